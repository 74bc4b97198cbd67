#!/bin/sh
# Builds the local APT repository of sample patches from packages.conf and suites.conf, with
# Debian's own tools: dpkg-deb makes each .deb, apt-ftparchive writes each suite's Packages and
# Release (whose Date is then set to the suite's fixed date).
#   build-repo.sh <definitions dir> <repository dir>
set -eu
defs=$1
repo=$2
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
mkdir -p "$repo"

grep -v '^[[:space:]]*\(#\|$\)' "$defs/packages.conf" |
while read -r name version suite section priority installed reboot description; do
  root="$work/$name-$version"
  mkdir -p "$root/DEBIAN" "$root/usr/share/ssm-local-samples/$name"
  printf '%s\n' "$version" >"$root/usr/share/ssm-local-samples/$name/version"
  cat >"$root/DEBIAN/control" <<CONTROL
Package: $name
Version: $version
Architecture: all
Maintainer: ssm-local <ssm-local@localhost>
Section: $section
Priority: $priority
Installed-Size: 4
Description: $description
 A sample package of ssm-local's local repository, for Patch Manager to scan and install.
CONTROL
  if [ "$reboot" = yes ]; then
    cat >"$root/DEBIAN/postinst" <<POSTINST
#!/bin/sh
# Like a kernel package: the new version takes effect after a reboot.
set -e
if [ "\$1" = configure ]; then
  touch /var/run/reboot-required
  echo $name >>/var/run/reboot-required.pkgs
fi
POSTINST
    chmod 0755 "$root/DEBIAN/postinst"
  fi
  mkdir -p "$repo/pool/$suite"
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$repo/pool/$suite/${name}_${version}_all.deb" >/dev/null
  if [ "$installed" = yes ]; then printf '%s=%s\n' "$name" "$version" >>"$repo/installed-at-build"; fi
done

grep -v '^[[:space:]]*\(#\|$\)' "$defs/suites.conf" |
while read -r suite date; do
  dir="$repo/dists/$suite/main/binary-$arch"
  mkdir -p "$dir"
  (cd "$repo" && apt-ftparchive packages "pool/$suite") >"$dir/Packages"
  gzip -9nk "$dir/Packages"
  case $suite in *security*) label="ssm-local-Security" ;; *) label="ssm-local" ;; esac
  (cd "$repo/dists/$suite" && apt-ftparchive \
    -o APT::FTPArchive::Release::Origin=ssm-local \
    -o APT::FTPArchive::Release::Label="$label" \
    -o APT::FTPArchive::Release::Suite="$suite" \
    -o APT::FTPArchive::Release::Codename="$suite" \
    -o APT::FTPArchive::Release::Version=12 \
    -o APT::FTPArchive::Release::Architectures="$arch" \
    -o APT::FTPArchive::Release::Components=main \
    -o APT::FTPArchive::Release::Description="ssm-local sample patches ($suite)" \
    release . >"$work/Release")
  sed "s/^Date: .*/Date: $date/" "$work/Release" >"$repo/dists/$suite/Release"
done
rm -rf "$work"
chmod -R a+rX "$repo"
