// Package versions of the lab's fake RHEL and Ubuntu hosts: what each release has installed at start and what its fake repository offers.
// The "fixed" versions are the MDS fixes; the playbook seed's minimums (playbooks/remediate.yaml) are these same values.

export type LabDist = 'el7' | 'el8' | 'ubuntu1804';

export const LAB_DISTS: readonly LabDist[] = ['el7', 'el8', 'ubuntu1804'];

/** Releases whose hosts carry dpkg and apt instead of rpm and yum. */
export function isDebDist(dist: LabDist): boolean {
  return dist.startsWith('ubuntu');
}

/**
 * Ubuntu's kernel images are one package per release: linux-image-<version>-<ABI>-generic at <version>-<ABI>.<upload>
 * (the catalog's `kernel` rows carry that package version; this gives the package's name).
 */
export function debKernelImageName(version: string, release: string): string {
  return `linux-image-${version}-${release.split('.')[0]}-generic`;
}

export interface CatalogPackage {
  name: string;
  epoch: string | null;
  /** Versions installed at start, oldest first (two kernels: installonly packages keep several). */
  old: { version: string; release: string }[];
  /** What the fake repository offers: the MDS-fixed build. */
  fixed: { version: string; release: string };
  arch: string;
}

export const CATALOG: Record<LabDist, CatalogPackage[]> = {
  el7: [
    { name: 'kernel', epoch: null, arch: 'x86_64',
      old: [{ version: '3.10.0', release: '957.el7' }, { version: '3.10.0', release: '957.10.1.el7' }],
      fixed: { version: '3.10.0', release: '957.12.2.el7' } },
    { name: 'microcode_ctl', epoch: '2', arch: 'x86_64',
      old: [{ version: '2.1', release: '29.el7' }],
      fixed: { version: '2.1', release: '47.2.el7_6' } },
    { name: 'qemu-kvm-rhev', epoch: '10', arch: 'x86_64',
      old: [{ version: '2.12.0', release: '18.el7_6.3' }],
      fixed: { version: '2.12.0', release: '18.el7_6.5' } },
    { name: 'libvirt', epoch: null, arch: 'x86_64',
      old: [{ version: '4.5.0', release: '10.el7_6.7' }],
      fixed: { version: '4.5.0', release: '10.el7_6.9' } },
  ],
  el8: [
    { name: 'kernel', epoch: null, arch: 'x86_64',
      old: [{ version: '4.18.0', release: '80.el8' }],
      fixed: { version: '4.18.0', release: '80.1.2.el8_0' } },
    { name: 'microcode_ctl', epoch: '4', arch: 'x86_64',
      old: [{ version: '20180807a', release: '2.el8' }],
      fixed: { version: '20180807a', release: '2.20190507.1.el8_0' } },
    { name: 'qemu-kvm', epoch: '15', arch: 'x86_64',
      old: [{ version: '2.12.0', release: '63.module+el8+2833+c7d6d092' }],
      fixed: { version: '2.12.0', release: '64.module+el8.0.0+3180+d6a3561d.2' } },
    { name: 'libvirt', epoch: null, arch: 'x86_64',
      old: [{ version: '4.5.0', release: '23.module+el8+2800+2d311f65' }],
      fixed: { version: '4.5.0', release: '24.1.module+el8.0.0+3213+df1a4ad1' } },
  ],
  // Ubuntu 18.04 (Bionic) with its May 2019 MDS notices: USN-3977-2, USN-3981-1, USN-3978-1, USN-3985-1. Native packages
  // (no Debian revision) have release ''. The kernel images are named by debKernelImageName; linux-image-generic is the
  // metapackage apt upgrades to pull the new image in.
  ubuntu1804: [
    { name: 'kernel', epoch: null, arch: 'amd64',
      old: [{ version: '4.15.0', release: '45.48' }, { version: '4.15.0', release: '48.51' }],
      fixed: { version: '4.15.0', release: '50.54' } },
    { name: 'linux-image-generic', epoch: null, arch: 'amd64',
      old: [{ version: '4.15.0.48.50', release: '' }],
      fixed: { version: '4.15.0.50.52', release: '' } },
    { name: 'intel-microcode', epoch: null, arch: 'amd64',
      old: [{ version: '3.20180807a.0ubuntu0.18.04.1', release: '' }],
      fixed: { version: '3.20190514.0ubuntu0.18.04.3', release: '' } },
    { name: 'qemu-system-x86', epoch: '1', arch: 'amd64',
      old: [{ version: '2.11+dfsg', release: '1ubuntu7.12' }],
      fixed: { version: '2.11+dfsg', release: '1ubuntu7.13' } },
    { name: 'libvirt-daemon-system', epoch: null, arch: 'amd64',
      old: [{ version: '4.0.0', release: '1ubuntu8.9' }],
      fixed: { version: '4.0.0', release: '1ubuntu8.10' } },
    { name: 'libvirt0', epoch: null, arch: 'amd64',
      old: [{ version: '4.0.0', release: '1ubuntu8.9' }],
      fixed: { version: '4.0.0', release: '1ubuntu8.10' } },
  ],
};

export const OS_RELEASE: Record<LabDist, { id: string; versionId: string; name: string; pretty: string; redhatRelease: string }> = {
  el7: { id: 'rhel', versionId: '7.6', name: 'Red Hat Enterprise Linux Server', pretty: 'Red Hat Enterprise Linux Server 7.6 (Maipo)',
    redhatRelease: 'Red Hat Enterprise Linux Server release 7.6 (Maipo)' },
  el8: { id: 'rhel', versionId: '8.0', name: 'Red Hat Enterprise Linux', pretty: 'Red Hat Enterprise Linux 8.0 (Ootpa)',
    redhatRelease: 'Red Hat Enterprise Linux release 8.0 (Ootpa)' },
  // Ubuntu has no /etc/redhat-release: an empty redhatRelease means the file is not written.
  ubuntu1804: { id: 'ubuntu', versionId: '18.04', name: 'Ubuntu', pretty: 'Ubuntu 18.04.2 LTS', redhatRelease: '' },
};
