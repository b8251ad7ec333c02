# Plans a fake yum/dnf transaction: which offered packages (repo.tsv) update or, for installonly kernels, install beside
# what rpmdb.tsv holds. The fake repo only ever offers the newest build, so "offered build not installed" = update.
# ENVIRON: YUM_ARGS (newline-separated package args; empty = every installed package). Output (tab-separated):
#   install|update NAME EPOCH VERSION RELEASE ARCH REPO OLD_EVR     or     nomatch ARG
BEGIN { FS = "\t"; OFS = "|"; installonly["kernel"] = 1; installonly["kernel-core"] = 1 }
FNR == 1 { file++ }
file == 1 && NF >= 5 {
  inst[$1] = 1
  have[$1 SUBSEP $2 SUBSEP $3 SUBSEP $4 SUBSEP $5] = 1
  last[$1] = ($2 == "" ? "" : $2 ":") $3 "-" $4
  next
}
file == 2 && NF >= 6 { no++; oname[no] = $1; oep[no] = $2; over[no] = $3; orel[no] = $4; oarch[no] = $5; orepo[no] = $6 }
function wanted(i,    a) {
  if (nargs == 0) return 1
  for (a = 1; a <= nargs; a++) if (args[a] == oname[i] || args[a] == oname[i] "." oarch[i]) { hit[a] = 1; return 1 }
  return 0
}
END {
  nargs = ENVIRON["YUM_ARGS"] == "" ? 0 : split(ENVIRON["YUM_ARGS"], args, "\n")
  for (a = 1; a <= nargs; a++) {
    base = args[a]; sub(/\.(x86_64|noarch|i686)$/, "", base)
    if (!(base in inst)) { known = 0; for (i = 1; i <= no; i++) if (oname[i] == base) known = 1; if (!known) print "nomatch", args[a] }
  }
  for (i = 1; i <= no; i++) {
    if (!(oname[i] in inst) || !wanted(i)) continue
    if ((oname[i] SUBSEP oep[i] SUBSEP over[i] SUBSEP orel[i] SUBSEP oarch[i]) in have) continue
    print (oname[i] in installonly ? "install" : "update"), oname[i], oep[i], over[i], orel[i], oarch[i], orepo[i], last[oname[i]]
  }
}
