# SPDX-License-Identifier: GPL-2.0
#
# epgate: top-level build.
#
#   make                 kernel/epgate.ko for KDIR and userspace/epgate
#   make modules         the module for every installed Debian kernel,
#                        each in build/<kver>/kernel/
#   make deps            install what the project needs (apt-get, idempotent)
#   make check           deps, builds, static checks, host tests, VM selftests
#   make install         module (Kbuild modules_install, /lib/modules/KVER/extra), tool,
#                        profiles, man pages, completion, systemd unit
#                        [DESTDIR= PREFIX=/usr/local KVER=]; make uninstall
#   make install-dkms    module sources for DKMS in /usr/src/epgate-VERSION
#   make deb             build/deb/epgate_VERSION_ARCH.deb (tool, profiles, units)
#                        and epgate-dkms_VERSION_all.deb (module, DKMS), lintian
#                        clean [EPGATE_DEB_VERSION=]
#   make check-debug     the selftests on a KASAN/lockdep/kmemleak kernel
#                        (built once from linux-source-6.1, cached)
#   make demo            boot a VM gateway and show epgate at work
#   make vm-shell        a shell in a VM [KVER=<kver>], module built
#   make sparse          W=1 C=2 build for every kernel, fails on any warning
#   make bench-lookup    the shared table's ns and instructions per lookup
#   make bench           epgate vs nftables/ipset/iptables forwarding cost,
#                        update latency, lookup [KVER=<kver>]
#   make clean

VERSION := $(shell cat VERSION)
ROOT := $(CURDIR)

# Debian kernels with headers, newest last.  The host's own kernel is never
# one of them: it has no /lib/modules tree and cannot load modules.
KVERS ?= $(shell scripts/kernels.sh)
KVER ?= $(lastword $(KVERS))
KDIR ?= /lib/modules/$(KVER)/build
KDIR_KVER = $(patsubst /lib/modules/%/build,%,$(KDIR))

KBUILD_ARGS = EPGATE_ROOT=$(ROOT) EPGATE_VERSION=$(VERSION)
KERNEL_SRCS := $(wildcard kernel/*.c kernel/*.h) kernel/Kbuild lib/table.c

all: kernel/epgate.ko userspace

# Kbuild builds in the module's folder, so each kernel gets a folder of
# symlinks to the sources: build/<kver>/kernel.
define kernel_rules
build/$(1)/kernel/epgate.ko: $(KERNEL_SRCS) $(wildcard include/epgate/*.h include/uapi/linux/*.h) VERSION
	@mkdir -p build/$(1)/kernel
	@for f in $(KERNEL_SRCS); do ln -sf $(ROOT)/$$$$f build/$(1)/kernel/; done
	$$(MAKE) -C /lib/modules/$(1)/build M=$(ROOT)/build/$(1)/kernel $(KBUILD_ARGS) modules

modules: build/$(1)/kernel/epgate.ko

sparse-$(1):
	@mkdir -p build/$(1)/sparse
	@for f in $(KERNEL_SRCS); do ln -sf $(ROOT)/$$$$f build/$(1)/sparse/; done
	@$$(MAKE) -s -C /lib/modules/$(1)/build M=$(ROOT)/build/$(1)/sparse $(KBUILD_ARGS) clean
	@$$(MAKE) -s -C /lib/modules/$(1)/build M=$(ROOT)/build/$(1)/sparse $(KBUILD_ARGS) W=1 C=2 modules 2>&1 | tee build/$(1)/sparse.log
	@! grep -E 'warning:|error:' build/$(1)/sparse.log

sparse: sparse-$(1)
endef
$(foreach k,$(KVERS),$(eval $(call kernel_rules,$(k))))

kernel/epgate.ko: build/$(KDIR_KVER)/kernel/epgate.ko
	cp $< $@

userspace:
	$(MAKE) -C userspace

deps:
	@scripts/deps.sh

deb: deps
	@scripts/deb.sh

bench-lookup: deps
	@$(MAKE) --no-print-directory -C lib bench

bench: deps
	@$(MAKE) --no-print-directory modules userspace
	@KVER=$(KVER) scripts/bench.sh

check: deps
	@$(MAKE) --no-print-directory check-run

# After deps, so that KVERS sees freshly installed kernels.
check-run: modules kernel/epgate.ko userspace selftests-progs
	@selftests/check.sh $(KVERS)

selftests-progs:
	$(MAKE) -C selftests progs

check-debug: deps
	@scripts/deps.sh debug
	@$(MAKE) --no-print-directory userspace
	@selftests/debug/run.sh

vm-shell: deps
	@$(MAKE) --no-print-directory modules userspace
	@selftests/vm/run.sh -k $(KVER) -i

demo: deps
	@$(MAKE) --no-print-directory modules userspace
	@selftests/vm/run.sh -k $(KVER) -- scripts/demo.sh

clean:
	$(MAKE) -C userspace clean
	$(MAKE) -C lib clean
	$(MAKE) -C selftests progs-clean
	rm -rf build kernel/epgate.ko

.PHONY: all modules userspace deps deb bench-lookup bench check check-run check-debug selftests-progs vm-shell demo sparse clean

include install.mk
