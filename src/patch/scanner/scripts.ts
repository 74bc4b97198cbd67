// The POSIX sh scripts the scanner runs inside a Debian instance, one exec each. Their stdout is cut
// into sections by marker lines (`@@ssm-local-patch:<name>`), which parse.ts reads.

export const MARKER = '@@ssm-local-patch:';

/** The apt source of the image's local repository of sample patches (docker/linux). */
const LOCAL_SOURCE = 'sources.list.d/ssm-local-patch-repo.list';
const LOCAL_REPO = '/var/lib/ssm-local/patch-repo';

/** apt-get update of the local repository's source alone, keeping every other source's lists. */
const LOCAL_UPDATE =
  `apt-get update -qq -o Dir::Etc::sourcelist=${LOCAL_SOURCE} ` +
  '-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0';

/**
 * What is installed and what the repositories offer, in one exec. The lists are not refreshed from
 * the network (an instance may have none): the local repository's lists are refreshed only when its
 * Release files differ from the lists' copies, and Debian's are what the last `apt-get update` left.
 * No dependency solving (what makes `apt-get -s upgrade` slow): `apt-cache show` gives each installed
 * package's candidate (its Version, Section, Priority), a candidate other than the installed version
 * is an update, and `apt-cache policy` of those alone says which repositories (suites) offer it.
 * Builtins where they do (read, [ ]), so the scan costs little more than apt's own query.
 */
export const SCAN_SCRIPT = `M=${MARKER}
lists=/var/lib/apt/lists
stale=
for r in ${LOCAL_REPO}/dists/*/Release; do
  [ -f "$r" ] || continue
  s=\${r%/Release}; s=\${s##*/}
  cmp -s "$r" "$lists/_var_lib_ssm-local_patch-repo_dists_\${s}_Release" || stale=1
done
if [ -n "$stale" ]; then ${LOCAL_UPDATE} >&2; fi
echo "\${M}os"
while IFS= read -r line; do echo "$line"; done </etc/os-release
echo "\${M}installed"
inst=$(dpkg-query -W -f='\${db:Status-Abbrev}\\t\${Package}\\t\${Architecture}\\t\${Version}\\t\${Section}\\t\${Priority}\\n') || exit 100
printf '%s\\n' "$inst"
echo "\${M}times"
(cd /var/lib/dpkg/info && stat -c '%Y %n' -- *.list)
echo "\${M}releases"
grep -HE '^(Origin|Label|Suite|Codename|Date):' "$lists"/*Release 2>/dev/null
echo "\${M}reboot"
if [ -e /var/run/reboot-required ]; then echo yes; else echo no; fi
echo "\${M}security"
for f in "$lists"/*security*_Packages; do [ -f "$f" ] && grep -E '^(Package|Version):' "$f"; done
echo "\${M}candidates"
cand=$(printf '%s\\n' "$inst" | while IFS='	' read -r st name rest; do echo "$name"; done |
  xargs apt-cache show --no-all-versions 2>/dev/null | grep -E '^(Package|Version|Architecture|Section|Priority):|^$')
printf '%s\\n' "$cand"
echo "\${M}policy"
up=$(printf '%s\\n@@\\n%s\\n' "$inst" "$cand" | awk '
  s == 0 { if ($0 == "@@") { s = 1; next } split($0, f, "\\t"); if (substr(f[1], 2, 1) == "i") v[f[2]] = f[4]; next }
  /^Package: / { p = substr($0, 10) }
  /^Version: / { if ((p in v) && v[p] != substr($0, 10)) print p }')
if [ -n "$up" ]; then apt-cache policy $up || exit 100; fi
echo "\${M}end"
`;

/**
 * Installs the given `name=version` arguments ($@) as upgrades of installed packages. All in one
 * apt-get first; when that fails (apt refuses the whole set for one bad package), each on its own,
 * so the others still go in and each failure has its own message. Then the versions dpkg has and
 * whether a package asked for a reboot.
 */
export const INSTALL_SCRIPT = `M=${MARKER}
export DEBIAN_FRONTEND=noninteractive
install() {
  apt-get install -y -q --only-upgrade --no-install-recommends -o DPkg::Lock::Timeout=120 -o Dpkg::Use-Pty=0 \\
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
if [ $# -gt 0 ]; then
  echo "\${M}all"
  install "$@" 2>&1; rc=$?
  echo "\${M}rc $rc"
  if [ $rc -ne 0 ]; then
    for p in "$@"; do
      echo "\${M}one $p"
      install "$p" 2>&1
      echo "\${M}rc $?"
    done
  fi
  echo "\${M}versions"
  for p in "$@"; do
    dpkg-query -W -f='\${Package}\\t\${Version}\\t\${db:Status-Abbrev}\\n' "\${p%%=*}" 2>/dev/null
  done
fi
echo "\${M}reboot"; if [ -e /var/run/reboot-required ]; then echo yes; else echo no; fi
echo "\${M}end"
`;
