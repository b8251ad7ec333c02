# What `apt-get install --only-upgrade NAMES` does on the host: reads the package database, then the archive (repo.tsv).
# Output, one line each: upgrade|name|arch|from|to, new|name|arch||to (a dependency it installs: the metapackage's kernel
# image), newest|name|arch|version|, skip|name|||, missing|name|||. The lab's archive carries only the fixed builds, so a
# different candidate is a newer one. Variables: names (newline-separated).
function debver(e, v, r) { return (e != "" ? e ":" : "") v (r != "" ? "-" r : "") }
BEGIN { FS = "\t" }
FNR == NR {
  st = (NF >= 7 && $7 != "") ? $7 : "install ok installed"
  if (st ~ / installed$/) { inst[$1] = debver($2, $3, $4); iarch[$1] = $5 }
  next
}
{ cand[$1] = debver($2, $3, $4); carch[$1] = $5; order[++nr] = $1 }
END {
  n = split(names, want, "\n")
  for (k = 1; k <= n; k++) {
    w = want[k]; if (w == "") continue
    if (!(w in cand) && !(w in inst)) { print "missing|" w "|||"; continue }
    if (!(w in inst)) { print "skip|" w "|||"; continue }
    if (!(w in cand) || cand[w] == inst[w]) { print "newest|" w "|" iarch[w] "|" inst[w] "|"; continue }
    print "upgrade|" w "|" carch[w] "|" inst[w] "|" cand[w]
    # linux-image-generic <v>.<abi>.<upload> depends on linux-image-<v>-<abi>-generic.
    if (w == "linux-image-generic" && split(cand[w], m, ".") >= 5) {
      img = "linux-image-" m[1] "." m[2] "." m[3] "-" m[4] "-generic"
      if (!(img in inst) && (img in cand)) print "new|" img "|" carch[img] "||" cand[img]
    }
  }
}
