# dpkg-query -W over the host's package database (name, epoch, version, release, arch, installtime[, status] per line).
# Variables: fmt (the -f format, with dpkg's \t \n \\ escapes), pats (newline-separated patterns; empty = every package).
function glob2re(g,    r, i, c) {
  r = "^"
  for (i = 1; i <= length(g); i++) {
    c = substr(g, i, 1)
    if (c == "*") r = r ".*"; else if (c == "?") r = r "."; else if (c ~ /[][\\.^$+(){}|]/) r = r "\\" c; else r = r c
  }
  return r "$"
}
function debver(e, v, r) { return (e != "" ? e ":" : "") v (r != "" ? "-" r : "") }
function abbrev(st,    w, a) {
  split(st, w, " ")
  a = (w[1] == "install" ? "i" : w[1] == "hold" ? "h" : w[1] == "deinstall" ? "r" : w[1] == "purge" ? "p" : "u")
  a = a (w[3] == "installed" ? "i" : w[3] == "config-files" ? "c" : w[3] == "unpacked" ? "U" : w[3] == "half-installed" ? "H" : w[3] == "half-configured" ? "F" : w[3] == "triggers-pending" ? "t" : w[3] == "triggers-awaited" ? "W" : "n")
  return a (w[2] == "ok" ? " " : "R")
}
function render(i,    out, f, rest, key) {
  out = ""; rest = fmt
  while ((f = index(rest, "${")) > 0) {
    out = out substr(rest, 1, f - 1); rest = substr(rest, f + 2)
    key = substr(rest, 1, index(rest, "}") - 1); rest = substr(rest, index(rest, "}") + 1)
    sub(/;.*/, "", key)
    if (key == "Package" || key == "binary:Package") out = out name[i]
    else if (key == "Version") out = out ver[i]
    else if (key == "Architecture") out = out arch[i]
    else if (key == "Status") out = out status[i]
    else if (key == "db:Status-Abbrev") out = out abbrev(status[i])
  }
  out = out rest
  gsub(/\\t/, "\t", out); gsub(/\\n/, "\n", out); gsub(/\\\\/, "\\", out)
  return out
}
BEGIN { FS = "\t"; n = 0 }
{
  n++; name[n] = $1; ver[n] = debver($2, $3, $4); arch[n] = $5
  status[n] = (NF >= 7 && $7 != "") ? $7 : "install ok installed"
}
END {
  rc = 0
  np = split(pats, p, "\n")
  if (pats == "") { for (i = 1; i <= n; i++) printf "%s", render(i); exit 0 }
  for (k = 1; k <= np; k++) {
    if (p[k] == "") continue
    re = glob2re(p[k]); found = 0
    for (i = 1; i <= n; i++) if (name[i] ~ re) { printf "%s", render(i); found = 1 }
    if (!found) { print "dpkg-query: no packages found matching " p[k] > "/dev/stderr"; rc = 1 }
  }
  exit rc
}
