# Starts Debian's real Keystone (sqlite in WAL mode, fernet tokens) on a free loopback port; prints one JSON "ready" line.
#
# Usage: CONTRACT_ADMIN_PASSWORD=... /usr/bin/python3 keystone-launcher.py WORKDIR [TOKEN_EXPIRATION_SECONDS]
# Run with Debian's /usr/bin/python3 (the unpacked C extensions are built for it); PYTHONPATH must hold the unpacked python3-keystone tree (test/contract/prepare.sh). The process ends when its stdin
# closes (the test's teardown, or the test process dying) and, through PR_SET_PDEATHSIG, when its parent dies.
import json
import os
import socketserver
import sqlite3
import subprocess
import sys
import threading
from wsgiref import simple_server
from launcher_lifetime import die_with_parent, exit_on_stdin_eof


def manage(conf, *commands, env=None):
    """Runs keystone-manage commands in parallel (each is a separate Python start-up, the slow part here)."""
    # keystone-manage lives in the `keystone` package (with its daemons); its entry point is in python3-keystone.
    procs = []
    for args in commands:
        cmd = [sys.executable, '-c', 'import sys; from keystone.cmd.manage import main; sys.argv[0] = "keystone-manage"; main()',
               '--config-file', conf, *args]
        procs.append((args[0], subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                                env=env, preexec_fn=die_with_parent)))
    for name, proc in procs:
        out, _ = proc.communicate(timeout=120)
        if proc.returncode != 0:
            sys.stderr.write(out)
            raise SystemExit('keystone-manage %s failed with exit code %d' % (name, proc.returncode))


class QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write('keystone-http: %s\n' % (fmt % args))


class ThreadingWSGIServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True


def main():
    die_with_parent()
    exit_on_stdin_eof(threading.Thread)
    workdir = sys.argv[1]
    admin_password = os.environ.pop('CONTRACT_ADMIN_PASSWORD')
    expiration = int(sys.argv[2]) if len(sys.argv) > 2 else 3600
    # Bound before bootstrap, which needs the URL for the catalog; the app is attached once Keystone is set up.
    server = simple_server.make_server('127.0.0.1', 0, None, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
    url = 'http://127.0.0.1:%d' % server.server_port
    db = os.path.join(workdir, 'keystone.db')
    conf = os.path.join(workdir, 'keystone.conf')
    for sub in ('fernet-keys', 'credential-keys'):
        os.makedirs(os.path.join(workdir, sub), mode=0o700, exist_ok=True)
    with open(conf, 'w') as f:
        f.write('\n'.join([
            '[DEFAULT]',
            'debug = false',
            'log_file = %s' % os.path.join(workdir, 'keystone.log'),
            '[database]',
            'connection = sqlite:///%s' % db,
            '[token]',
            'provider = fernet',
            'expiration = %d' % expiration,
            '[fernet_tokens]',
            'key_repository = %s' % os.path.join(workdir, 'fernet-keys'),
            '[credential]',
            'key_repository = %s' % os.path.join(workdir, 'credential-keys'),
            # Without a cache every token validation re-reads assignments, roles and the catalog from sqlite: about
            # 0.7 s per Nova request on a busy 2-core machine. An in-process cache is what a single Keystone would use.
            '[cache]',
            'enabled = true',
            'backend = dogpile.cache.memory',
            '',
        ]))
    # Keystone's sqlite answers 500 "database is locked" under concurrent requests unless the file is in WAL mode,
    # a property of the database file: set it before the schema is created, so it holds for every later connection.
    with sqlite3.connect(db) as c:
        c.execute('PRAGMA journal_mode=WAL')
    owner = ('--keystone-user', 'root', '--keystone-group', 'root')
    manage(conf, ('db_sync',), ('fernet_setup', *owner), ('credential_setup', *owner))
    # The password goes through the environment (OS_BOOTSTRAP_PASSWORD), not argv, where `ps` would show it.
    manage(conf, ('bootstrap', '--bootstrap-username', 'admin', '--bootstrap-project-name', 'admin',
                  '--bootstrap-role-name', 'admin', '--bootstrap-service-name', 'keystone',
                  '--bootstrap-region-id', 'RegionOne', '--bootstrap-public-url', url + '/v3',
                  '--bootstrap-internal-url', url + '/v3'),
           env={**os.environ, 'OS_BOOTSTRAP_PASSWORD': admin_password})

    os.environ['OS_KEYSTONE_CONFIG_FILES'] = conf
    from keystone.server import wsgi as keystone_wsgi
    sys.argv[1:] = []  # Keystone's oslo.config parses the command line: ours is not for it.
    server.set_app(keystone_wsgi.initialize_public_application())
    print(json.dumps({'ready': {'url': url, 'pid': os.getpid()}}), flush=True)
    server.serve_forever()


if __name__ == '__main__':
    try:
        main()
    except BaseException as err:  # noqa: B902 - any failure must end the process now, despite the stdin watcher thread
        import traceback
        traceback.print_exc()
        sys.stderr.write('keystone-launcher: %s\n' % err)
        sys.stderr.flush()
        os._exit(1)
