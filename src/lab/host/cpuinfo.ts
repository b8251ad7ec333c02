// /proc/cpuinfo of a fake host: vendor, model and the flags (md_clear once the new microcode is loaded).
import type { BootState } from './boot-state.js';

const INTEL_FLAGS = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc aperfmperf eagerfpu pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch epb cat_l3 cdp_l3 intel_ppin intel_pt ssbd mba ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm cqm mpx rdt_a avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts pku ospke spec_ctrl intel_stibp flush_l1d';
const AMD_FLAGS = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc art rep_good nopl nonstop_tsc extd_apicid amd_dcm aperfmperf eagerfpu pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_l2 cpb hw_pstate ssbd ibpb vmmcall fsgsbase bmi1 avx2 smep bmi2 rdseed adx smap clflushopt sha_ni xsaveopt xsavec xgetbv1 clzero irperf xsaveerptr arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif overflow_recov succor smca';

export function renderCpuinfo(boot: BootState, processors = 4): string {
  const intel = boot.cpu === 'intel';
  const flags = intel ? `${INTEL_FLAGS}${boot.cpuinfoMdClear ? ' md_clear' : ''}` : AMD_FLAGS;
  const out: string[] = [];
  for (let i = 0; i < processors; i++) {
    out.push([
      `processor\t: ${i}`,
      `vendor_id\t: ${intel ? 'GenuineIntel' : 'AuthenticAMD'}`,
      `cpu family\t: ${intel ? 6 : 23}`,
      `model\t\t: ${intel ? 85 : 1}`,
      `model name\t: ${intel ? 'Intel(R) Xeon(R) Gold 6132 CPU @ 2.60GHz' : 'AMD EPYC 7601 32-Core Processor'}`,
      `stepping\t: ${intel ? 4 : 2}`,
      `microcode\t: ${intel ? (boot.microcodeFixed ? '0x200005e' : '0x200004d') : '0x8001227'}`,
      `cpu MHz\t\t: ${intel ? '2600.000' : '2200.000'}`,
      `cache size\t: ${intel ? '19712 KB' : '512 KB'}`,
      `physical id\t: 0`,
      `siblings\t: ${processors}`,
      `core id\t\t: ${Math.floor(i / 2)}`,
      `cpu cores\t: ${Math.max(1, processors / 2)}`,
      `apicid\t\t: ${i}`,
      `fpu\t\t: yes`,
      `fpu_exception\t: yes`,
      `cpuid level\t: ${intel ? 22 : 13}`,
      `wp\t\t: yes`,
      `flags\t\t: ${flags}`,
      `bogomips\t: ${intel ? '5200.00' : '4400.00'}`,
      `clflush size\t: 64`,
      `cache_alignment\t: 64`,
      `address sizes\t: ${intel ? '46 bits physical, 48 bits virtual' : '43 bits physical, 48 bits virtual'}`,
      `power management:`,
      '',
    ].join('\n'));
  }
  return out.join('\n') + '\n';
}
