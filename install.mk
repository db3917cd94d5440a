# SPDX-License-Identifier: GPL-2.0
#
# epgate: installation.  Included at the end of the top-level Makefile, which
# defines VERSION, ROOT, KVER, KBUILD_ARGS, KERNEL_SRCS and the build rules.
#
#   make install          the module for KVER (Kbuild modules_install, into
#                         /lib/modules/KVER/extra), the tool, the profiles,
#                         the man pages, bash completion, the systemd units
#                         (epgate.service, epgate-metrics.service and
#                         .timer, epgate-refresh.service; none enabled),
#                         /etc/epgate/profiles.d and
#                         the modules-load.d/modprobe.d and
#                         /etc/default/epgate-metrics examples (not active)
#   make uninstall        removes exactly what install added; what an admin
#                         put in /etc/epgate stays
#   make install-dkms     the module's sources and dkms.conf in
#                         /usr/src/epgate-VERSION, for `dkms install
#                         epgate/VERSION`; uninstall-dkms removes them
#
# DESTDIR stages the files for a package; depmod then is not run (the
# package's postinst runs it).  PREFIX is /usr/local; packages use
# PREFIX=/usr.  The places other programs read from are fixed whatever
# PREFIX is: /lib/modules, /etc, /lib/systemd/system, bash-completion's
# folder, and the profiles' folder /usr/share/epgate/profiles, which is the
# tool's compiled-in search path (profile.h, PRODUCT.md): the installed tool
# is the one that was tested, and finds its profiles without configuration.
# Moving PROFILEDIR elsewhere needs EPGATE_PROFILE_PATH set to it.

ifndef epgate_install_mk
epgate_install_mk := 1

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/epgate
SYSCONFDIR ?= /etc
PROFILEDIR ?= /usr/share/epgate/profiles
BASHCOMPDIR ?= /usr/share/bash-completion/completions
SYSTEMDUNITDIR ?= /lib/systemd/system
DKMSDIR ?= /usr/src/epgate-$(VERSION)
MODDIR = /lib/modules/$(KVER)/extra
INSTALL ?= install

PROFILES := $(wildcard profiles/*.profile)
EXAMPLES := modules-load.d/epgate.conf modprobe.d/epgate.conf default/epgate-metrics
UNITS := epgate.service epgate-metrics.service epgate-metrics.timer epgate-refresh.service

# Kbuild signs at modules_install when the kernel's config asks for it;
# distribution headers never hold the private key, and sign-file then
# prints errors and leaves the module unsigned.  Sign only when the key is
# there.  Kbuild's depmod needs System.map, which headers packages lack: it
# is skipped here and run below.
MODSIGN_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' \
		/lib/modules/$(KVER)/build/.config 2>/dev/null)
MODSIGN_KEY_PATH = $(filter /%,$(MODSIGN_KEY)) \
	$(addprefix /lib/modules/$(KVER)/build/,$(filter-out /%,$(MODSIGN_KEY)))
MODINST_ARGS = INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra cmd_depmod=true \
	$(if $(wildcard $(MODSIGN_KEY_PATH)),,CONFIG_MODULE_SIG_ALL=)

# rmdir_empty DIRS: remove each folder, in order, if it exists and is empty.
rmdir_empty = for d in $(1); do \
	[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d" || exit 1; done

install: install-module install-tool

install-module: build/$(KVER)/kernel/epgate.ko
	$(MAKE) -C /lib/modules/$(KVER)/build M=$(ROOT)/build/$(KVER)/kernel \
		$(KBUILD_ARGS) $(MODINST_ARGS) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))

install-tool: userspace
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(PROFILEDIR) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/epgate/profiles.d \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d \
		$(DESTDIR)$(DOCDIR)/examples/default
	$(INSTALL) -m 0755 userspace/epgate $(DESTDIR)$(SBINDIR)/epgate
	$(INSTALL) -m 0644 $(PROFILES) $(DESTDIR)$(PROFILEDIR)
	$(INSTALL) -m 0644 Documentation/man/epgate.8 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0644 Documentation/man/epgate-profile.5 $(DESTDIR)$(MANDIR)/man5
	$(INSTALL) -m 0644 packaging/bash-completion/epgate $(DESTDIR)$(BASHCOMPDIR)/epgate
	for u in $(UNITS); do \
		sed 's|/usr/sbin/epgate|$(SBINDIR)/epgate|g' packaging/$$u \
			> $(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done
	for f in $(EXAMPLES); do \
		$(INSTALL) -m 0644 packaging/$$f $(DESTDIR)$(DOCDIR)/examples/$$f || exit 1; \
	done

# Kbuild compresses the module as the kernel's own are (.ko.xz on 6.12).
uninstall:
	rm -f $(addprefix $(DESTDIR)$(MODDIR)/epgate.ko,'' .xz .gz .zst)
	$(call rmdir_empty,$(DESTDIR)$(MODDIR))
	$(if $(DESTDIR),,[ ! -d /lib/modules/$(KVER) ] || depmod -a $(KVER))
	rm -f $(DESTDIR)$(SBINDIR)/epgate
	rm -f $(addprefix $(DESTDIR)$(PROFILEDIR)/,$(notdir $(PROFILES)))
	rm -f $(DESTDIR)$(MANDIR)/man8/epgate.8 $(DESTDIR)$(MANDIR)/man5/epgate-profile.5
	rm -f $(DESTDIR)$(BASHCOMPDIR)/epgate
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(UNITS))
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(EXAMPLES))
	$(call rmdir_empty,$(DESTDIR)$(DOCDIR)/examples/modules-load.d \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d \
		$(DESTDIR)$(DOCDIR)/examples/default \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(PROFILEDIR) \
		$(addprefix $(DESTDIR),$(filter %/epgate/,$(dir $(PROFILEDIR)))) \
		$(DESTDIR)$(SYSCONFDIR)/epgate/profiles.d \
		$(DESTDIR)$(SYSCONFDIR)/epgate)

# The dkms source tree: the module's sources in kernel/ (lib/table.c
# beside them, as in build/<kver>/kernel), the headers in include/.
DKMS_HDRS := $(wildcard include/epgate/*.h include/uapi/linux/*.h)

install-dkms:
	$(INSTALL) -d $(DESTDIR)$(DKMSDIR)/kernel $(DESTDIR)$(DKMSDIR)/include/epgate \
		$(DESTDIR)$(DKMSDIR)/include/uapi/linux
	$(INSTALL) -m 0644 $(KERNEL_SRCS) $(DESTDIR)$(DKMSDIR)/kernel
	for h in $(DKMS_HDRS); do \
		$(INSTALL) -m 0644 $$h $(DESTDIR)$(DKMSDIR)/$$h || exit 1; \
	done
	sed 's/#MODULE_VERSION#/$(VERSION)/g' dkms.conf > $(DESTDIR)$(DKMSDIR)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMSDIR)/dkms.conf

uninstall-dkms:
	rm -f $(addprefix $(DESTDIR)$(DKMSDIR)/kernel/,$(notdir $(KERNEL_SRCS)))
	rm -f $(addprefix $(DESTDIR)$(DKMSDIR)/,$(DKMS_HDRS) dkms.conf)
	$(call rmdir_empty,$(DESTDIR)$(DKMSDIR)/kernel \
		$(DESTDIR)$(DKMSDIR)/include/uapi/linux \
		$(DESTDIR)$(DKMSDIR)/include/uapi $(DESTDIR)$(DKMSDIR)/include/epgate \
		$(DESTDIR)$(DKMSDIR)/include $(DESTDIR)$(DKMSDIR))

.PHONY: install install-module install-tool uninstall install-dkms uninstall-dkms

endif
