# Runs Debian's real Nova (API, conductor, scheduler, Placement, fake-driver computes; Nova's own functional-test fixtures)
# in one process, serving the compute and Placement APIs on loopback TCP behind Keystone's auth_token; prints one JSON line.
#
# Usage: CONTRACT_NOVA_PASSWORD=... /usr/bin/python3 nova-launcher.py WORKDIR KEYSTONE_URL COMPUTE_HOST...
# PYTHONPATH must hold the unpacked python3-nova tree (test/contract/prepare.sh). What differs from a deployed Nova, and why:
# - the message bus is oslo.messaging's in-process fake driver and the databases are in-memory sqlite (Nova's fixtures);
# - casts stay asynchronous (no CastAsCallFixture), so a live migration's record appears after the 202, as in real life;
# - the virt driver is nova.virt.fake.FakeLiveMigrateDriver: a live migration stays "running" for about 5 s, then
#   completes unless it is aborted (then "cancelled");
# - Neutron, Glance and Cinder are Nova's fixtures (in-process fakes); Keystone is the real one, over HTTP.
# The process ends when its stdin closes and, through PR_SET_PDEATHSIG, when its parent dies.
import json
import logging
import os
import sys
import traceback

import nova.monkey_patch  # noqa: F401 - eventlet first, as in every Nova service

import eventlet
import eventlet.wsgi
from eventlet import patcher

from nova import test
from nova.tests import fixtures as nova_fixtures
from nova.tests.functional import fixtures as func_fixtures
from launcher_lifetime import die_with_parent, exit_on_stdin_eof

real_threading = patcher.original('threading')


def write_paste_ini(path, authtoken_conf):
    # Nova's api-paste.ini is not shipped in python3-nova (it lives in the `nova-api` package's /etc); this is the
    # keystone pipeline of Nova's own etc/nova/api-paste.ini, reduced to the filters that matter for the API's answers.
    with open(path, 'w') as f:
        f.write('\n'.join([
            '[composite:osapi_compute]',
            'use = call:nova.api.openstack.urlmap:urlmap_factory',
            '/: oscomputeversions',
            '/v2.1: openstack_compute_api_v21',
            '',
            '[composite:openstack_compute_api_v21]',
            'use = call:nova.api.auth:pipeline_factory_v21',
            'keystone = compute_req_id faultwrap request_log sizelimit authtoken keystonecontext osapi_compute_app_v21',
            'noauth2 = compute_req_id faultwrap request_log sizelimit noauth2 osapi_compute_app_v21',
            '',
            '[filter:request_log]',
            'paste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory',
            '[filter:compute_req_id]',
            'paste.filter_factory = nova.api.compute_req_id:ComputeReqIdMiddleware.factory',
            '[filter:faultwrap]',
            'paste.filter_factory = nova.api.openstack:FaultWrapper.factory',
            '[filter:noauth2]',
            'paste.filter_factory = nova.api.openstack.auth:NoAuthMiddleware.factory',
            '[filter:sizelimit]',
            'paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory',
            '[filter:authtoken]',
            'paste.filter_factory = keystonemiddleware.auth_token:filter_factory',
            'oslo_config_project = nova',
            'oslo_config_file = %s' % authtoken_conf,
            '[filter:keystonecontext]',
            'paste.filter_factory = nova.api.auth:NovaKeystoneContext.factory',
            '[app:osapi_compute_app_v21]',
            'paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory',
            '',
            '[pipeline:oscomputeversions]',
            'pipeline = faultwrap request_log oscomputeversionapp',
            '[app:oscomputeversionapp]',
            'paste.app_factory = nova.api.openstack.compute.versions:Versions.factory',
            '',
        ]))


def authtoken_section(keystone_url, password):
    return [
        '[keystone_authtoken]',
        'www_authenticate_uri = %s/v3' % keystone_url,
        'auth_url = %s/v3' % keystone_url,
        'auth_type = password',
        'username = nova',
        'password = %s' % password,
        'user_domain_id = default',
        'project_name = service',
        'project_domain_id = default',
        'service_token_roles_required = true',
        # No validation cache: a token revoked in Keystone is refused at once, so the client's 401 path can be tested.
        'token_cache_time = -1',
        '',
    ]


class ContractCloud(test.TestCase):
    """Nova's functional-test base, used as a long-running cloud instead of a single test."""

    # Nova's compute manager takes oslo.concurrency external locks: the base class gives them a temporary lock_path.
    REQUIRES_LOCKING = True

    def __init__(self, workdir, keystone_url, password, hosts):
        super().__init__('runTest')
        self.workdir = workdir
        self.keystone_url = keystone_url
        self.password = password
        self.hosts = hosts

    def runTest(self):
        pass

    def setUp(self):
        self.flags(compute_driver='fake.FakeLiveMigrateDriver')
        super().setUp()
        self.useFixture(nova_fixtures.RealPolicyFixture())
        self.useFixture(nova_fixtures.NeutronFixture(self))
        self.useFixture(nova_fixtures.GlanceFixture(self))
        self.useFixture(nova_fixtures.CinderFixture(self))
        self.placement_fixture = self.useFixture(func_fixtures.PlacementFixture())
        self.useFixture(nova_fixtures.AllServicesCurrent())
        self.useFixture(nova_fixtures.NotificationFixture(self))
        self.start_service('conductor')
        self.start_service('scheduler')
        for host in self.hosts:
            self.start_service('compute', host=host)

    def serve_compute_api(self, host):
        from nova.api.openstack import wsgi_app
        from nova.api import wsgi as nova_wsgi
        authtoken_conf = os.path.join(self.workdir, 'nova-authtoken.conf')
        with open(authtoken_conf, 'w') as f:
            f.write('\n'.join(authtoken_section(self.keystone_url, self.password)))
        paste = os.path.join(self.workdir, 'api-paste.ini')
        write_paste_ini(paste, authtoken_conf)
        self.flags(api_paste_config=paste, group='wsgi')
        self.flags(auth_strategy='keystone', group='api')
        app = nova_wsgi.Loader().load_app('osapi_compute')
        wsgi_app._setup_service('api', 'osapi_compute')
        return serve(app, host)

    def serve_placement_api(self, host):
        # A second Placement WSGI app over the same (global) database, but with Keystone auth, for the suite's raw calls;
        # Nova's own report client keeps using the fixture's intercepted no-auth app.
        from oslo_config import cfg
        from placement import conf as placement_conf
        from placement import deploy
        from placement import policy as placement_policy
        path = os.path.join(self.workdir, 'placement.conf')
        with open(path, 'w') as f:
            # The connection is required by the option's definition only: the fixture has already set up the database.
            f.write('\n'.join(['[api]', 'auth_strategy = keystone', '[placement_database]', 'connection = sqlite://', ''] +
                              authtoken_section(self.keystone_url, self.password)))
        conf = cfg.ConfigOpts()
        placement_conf.register_opts(conf)
        conf([], default_config_files=[path])
        # The fixture's policy enforcer refuses a project-scoped admin token; a deployed Placement (defaults, no
        # policy file) accepts it through the deprecated "role:admin" rule, so build the enforcer from our config.
        placement_policy.reset()
        # Placement registers its options with module-level OptGroup objects, which carry overrides from one ConfigOpts
        # to the next: the fixture's auth_strategy=noauth2 would win over our file.
        conf.set_override('auth_strategy', 'keystone', group='api')
        return serve(deploy.loadapp(conf), host)


def serve(app, host):
    sock = eventlet.listen((host, 0))
    eventlet.spawn(eventlet.wsgi.server, sock, app, log=logging.getLogger('contract.wsgi'), log_output=True)
    return 'http://%s:%d' % (host, sock.getsockname()[1])


def main():
    die_with_parent()
    exit_on_stdin_eof(real_threading.Thread)
    workdir, keystone_url = sys.argv[1], sys.argv[2]
    password = os.environ.pop('CONTRACT_NOVA_PASSWORD')  # the service user's; argv would show it in `ps`
    hosts = sys.argv[3:] or ['compute1', 'compute2', 'compute3']
    sys.argv[1:] = []  # oslo.config in Nova's fixtures parses the command line: ours is not for it.
    os.environ.pop('OS_TEST_TIMEOUT', None)
    cloud = ContractCloud(workdir, keystone_url, password, hosts)
    cloud.setUp()
    handler = logging.FileHandler(os.path.join(workdir, 'nova.log'))
    handler.setFormatter(logging.Formatter('%(asctime)s %(levelname)s %(name)s %(message)s'))
    handler.setLevel(logging.DEBUG if os.environ.get('CONTRACT_DEBUG') else logging.INFO)
    logging.getLogger().addHandler(handler)
    compute_url = cloud.serve_compute_api('127.0.0.1')
    placement_url = cloud.serve_placement_api('127.0.0.1')
    image = nova_fixtures.GlanceFixture.image1['id']
    print(json.dumps({'ready': {'compute': compute_url + '/v2.1', 'placement': placement_url, 'image': image,
                                'hosts': hosts, 'pid': os.getpid()}}), flush=True)
    while True:
        eventlet.sleep(3600)


if __name__ == '__main__':
    try:
        main()
    except BaseException as err:  # noqa: B902 - any failure must end the process now, despite the stdin watcher thread
        traceback.print_exc()
        sys.stderr.write('nova-launcher: %s\n' % err)
        sys.stderr.flush()
        os._exit(1)
