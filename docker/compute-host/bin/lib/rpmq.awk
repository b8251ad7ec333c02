# Query engine of the fake rpm: reads rpmdb.tsv (name, epoch, version, release, arch, installtime; install order)
# and prints each match through an rpm query format. ENVIRON: RPM_QF (format), RPM_ARGS (newline-separated), RPM_ALL.

function unescape(s,    out, i, c, n) {
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\" && i < length(s)) {
      n = substr(s, ++i, 1)
      if (n == "n") c = "\n"; else if (n == "t") c = "\t"; else if (n == "r") c = "\r"; else c = n
    }
    out = out c
  }
  return out
}

# Splits the format into literal and tag tokens once, so an unknown tag fails before anything is printed.
function compile(f,    i, c, j, spec, tag, width) {
  ntok = 0
  lit = ""
  for (i = 1; i <= length(f); i++) {
    c = substr(f, i, 1)
    if (c != "%") { lit = lit c; continue }
    if (substr(f, i + 1, 1) == "%") { lit = lit "%"; i++; continue }
    j = index(substr(f, i + 1), "{")
    spec = substr(f, i + 1, j - 1)
    if (j == 0 || spec !~ /^-?[0-9]*$/) { bad = "missing { after %"; return }
    width = spec
    rest = substr(f, i + j + 1)
    j = index(rest, "}")
    if (j == 0) { bad = "missing } after %{"; return }
    tag = toupper(substr(rest, 1, j - 1))
    sub(/:.*/, "", tag)
    if (!(tag in known)) { bad = "unknown tag: \"" substr(rest, 1, j - 1) "\""; return }
    if (lit != "") { ttype[++ntok] = "lit"; tval[ntok] = lit; lit = "" }
    ttype[++ntok] = "tag"; tval[ntok] = tag; twidth[ntok] = width
    i = i + length(spec) + j + 1
  }
  if (lit != "") { ttype[++ntok] = "lit"; tval[ntok] = lit }
}

function tagval(t, r,    e) {
  e = epoch[r]
  if (t == "NAME") return name[r]
  if (t == "EPOCH") return e == "" ? "(none)" : e
  if (t == "EPOCHNUM") return e == "" ? "0" : e
  if (t == "VERSION") return ver[r]
  if (t == "RELEASE") return rel[r]
  if (t == "ARCH") return arch[r]
  if (t == "INSTALLTIME") return itime[r]
  if (t == "NVR") return name[r] "-" ver[r] "-" rel[r]
  if (t == "NVRA") return name[r] "-" ver[r] "-" rel[r] "." arch[r]
  if (t == "EVR") return (e == "" ? "" : e ":") ver[r] "-" rel[r]
  if (t == "NEVR") return name[r] "-" (e == "" ? "" : e ":") ver[r] "-" rel[r]
  if (t == "NEVRA") return name[r] "-" (e == "" ? "" : e ":") ver[r] "-" rel[r] "." arch[r]
  if (t == "SUMMARY") return summary(name[r])
  return "(none)"
}

function summary(n) {
  if (n == "kernel") return "The Linux kernel"
  if (n == "microcode_ctl") return "Tool to transform and deploy CPU microcode update for x86."
  if (n == "libvirt") return "Library providing a simple virtualization API"
  if (n ~ /^qemu-kvm/) return "QEMU is a machine emulator and virtualizer"
  return n
}

function render(r,    k, v, out) {
  out = ""
  for (k = 1; k <= ntok; k++) {
    if (ttype[k] == "lit") { out = out tval[k]; continue }
    v = tagval(tval[k], r)
    if (twidth[k] != "") v = sprintf("%" twidth[k] "s", v)
    out = out v
  }
  printf "%s", out
}

# rpm matches an argument against N, N-V, N-V-R, N-V-R.A and N.A.
function matches(a, r) {
  return a == name[r] || a == name[r] "-" ver[r] || a == name[r] "-" ver[r] "-" rel[r] \
    || a == name[r] "-" ver[r] "-" rel[r] "." arch[r] || a == name[r] "." arch[r]
}

BEGIN {
  FS = "\t"
  split("NAME EPOCH EPOCHNUM VERSION RELEASE ARCH INSTALLTIME NVR NVRA EVR NEVR NEVRA SUMMARY", kl, " ")
  for (k in kl) known[kl[k]] = 1
  compile(unescape(ENVIRON["RPM_QF"]))
  if (bad != "") { print "error: incorrect format: " bad > "/dev/stderr"; failed = 1; exit 1 }
}
NF >= 5 { n++; name[n] = $1; epoch[n] = $2; ver[n] = $3; rel[n] = $4; arch[n] = $5; itime[n] = $6 }
END {
  if (failed) exit 1
  if (ENVIRON["RPM_ALL"] == "1") { for (r = 1; r <= n; r++) render(r); exit 0 }
  nargs = split(ENVIRON["RPM_ARGS"], args, "\n")
  miss = 0
  for (i = 1; i <= nargs; i++) {
    found = 0
    for (r = 1; r <= n; r++) if (matches(args[i], r)) { render(r); found = 1 }
    if (!found) { printf "package %s is not installed\n", args[i]; miss++ }
  }
  exit miss > 254 ? 254 : miss
}
