// The deliberate differences from ansible-core 2.14 and OpenSSH 9.2: the README lists the same ids, and the
// differential suite tolerates a disagreement only when it is one of these (and the rule that recognises it holds).

export const DELIBERATE = {
  'pattern-matches-nothing': 'A host pattern term that matches no host or group, a subscript out of range, or a pattern that selects no host at all is refused (exit 4); Ansible warns and goes on with what is left, or runs nothing.',
  'empty-inventory': 'An inventory that defines no host is refused (exit 4); Ansible loads it and has nothing to do.',
  'shkc-no-is-accept-new': 'ssh_config StrictHostKeyChecking no/off is read as accept-new: a changed or revoked key is still refused; ssh goes on with public-key authentication.',
  'off-refuses-changed': 'With --host-key-checking off, a changed key (another key of the same type, or only keys of other types on record) and a revoked key are still refused; only unknown hosts are let through. ssh with StrictHostKeyChecking=no goes on.',
  'off-records-nothing': 'With --host-key-checking off, an unknown key is not recorded; ssh with StrictHostKeyChecking=no records it.',
  'match-exec-refused': 'ssh_config "Match exec" is refused (file:line) whenever ssh would run the command; this tool does not run commands from ssh_config.',
  'unused-values-unchecked': 'Values of ssh_config keywords this tool does not use (Ciphers, MACs, KexAlgorithms, ...) are not checked; ssh refuses one it does not support (a MAC such as hmac-ripemd160). Keywords themselves are checked: an unknown one is refused, as by ssh.',
  'host-order': 'Hosts are selected in inventory order (a group\'s own hosts, then its children\'s, in the order written). Ansible\'s order below the first level of child groups follows Python set iteration and changes from run to run, so a subscript such as group[0] on such a group can name another host than a given Ansible run does; the suite compares selections as sets, and subscripts by size and group.',
  'system-ssh-config-not-read': '/etc/ssh/ssh_config is not read; ssh reads it after ~/.ssh/config unless given -F.',
  'no-check-host-ip': 'CheckHostIP is not implemented (OpenSSH 9.2 defaults to no).',
  'no-host-certificates': 'Host certificates are not accepted; a host vouched for only by @cert-authority is unknown here.',
  'unknown-yaml-group-key': 'A YAML group key other than hosts, children, vars is refused; Ansible warns and skips it.',
  'group-name-characters': 'Group names with spaces or pattern characters are refused; Ansible warns and keeps them.',
  'ini-unusable-literals': 'INI values Python reads as a set, bytes, a complex number or Ellipsis are refused; ansible-inventory fails on them.',
  'jump-inherits-login': 'A ProxyJump host with no User or IdentityFile of its own in ssh_config is logged in to with the target\'s user and keys; ssh would use the local user and its default keys.',
  'canonicalize-refused': 'ssh_config CanonicalizeHostname yes/always is refused (file:line); ssh would look the name up in DNS.',
  'dynamic-json-file': 'A JSON file in a dynamic inventory script\'s shape (_meta.hostvars, lists of hosts; OpenStack-Ansible\'s openstack_inventory.json) is read as that script\'s output; ansible-inventory refuses the file itself and needs the script.',
} as const;

export type DeliberateId = keyof typeof DELIBERATE;
