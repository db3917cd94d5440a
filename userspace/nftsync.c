// SPDX-License-Identifier: GPL-2.0
/*
 * The sets of an installed `export nft` that follow hostnames, kept in
 * step with the module by `epgate refresh` (nftsync.h).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/set.h>

#include "nftbatch.h"
#include "nftsync.h"

/* One set of @g to keep in step, and what the kernel has of it. */
struct want {
	const struct nftgen_addrset *a;
	bool present;
	struct nftbatch_elem *elems;	/* what it must hold */
	size_t n;
	bool differs;
};

struct scan {
	const char *table;
	uint16_t family;
	struct want *w;
	size_t nw;
};

static uint32_t klen_of(const struct nftgen_addrset *a)
{
	return a->family == AF_INET ? 4 : 16;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct scan *sc = data;
	struct nftnl_set *s = nftnl_set_alloc();
	const char *name;
	size_t i;

	if (!s || nftnl_set_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	name = nftnl_set_get_str(s, NFTNL_SET_NAME);
	for (i = 0; name && i < sc->nw; i++) {
		if (!strcmp(nftnl_set_get_str(s, NFTNL_SET_TABLE), sc->table) &&
		    nftnl_set_get_u32(s, NFTNL_SET_FAMILY) == sc->family &&
		    !strcmp(name, sc->w[i].a->name))
			sc->w[i].present = true;
	}
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static void table_req(struct nlmsghdr *nlh, const void *arg)
{
	struct nftnl_set *s = nftnl_set_alloc();

	/* A dump of one table's sets: ENOENT when there is no table. */
	if (!s)
		return;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, arg);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
}

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	return nftnl_set_elems_nlmsg_parse(nlh, data) < 0 ? MNL_CB_ERROR :
							     MNL_CB_OK;
}

static void elems_req(struct nlmsghdr *nlh, const void *arg)
{
	nftnl_set_elems_nlmsg_build_payload(nlh, (struct nftnl_set *)arg);
}

struct have {
	struct nftbatch_elem *v;
	size_t n, alloc;
	uint32_t klen;
	bool odd;		/* a key of another length */
};

static int have_cb(struct nftnl_set_elem *e, void *data)
{
	struct have *h = data;
	const void *key;
	uint32_t len = 0;
	void *more;

	key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
	if (!key || len != h->klen) {
		h->odd = true;
		return 0;
	}
	if (h->n == h->alloc) {
		h->alloc = h->alloc ? 2 * h->alloc : 16;
		more = realloc(h->v, h->alloc * sizeof(*h->v));
		if (!more)
			return -1;
		h->v = more;
	}
	memset(&h->v[h->n], 0, sizeof(h->v[h->n]));
	memcpy(h->v[h->n].key, key, len);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS))
		h->v[h->n].flags = nftnl_set_elem_get_u32(e,
				NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END;
	h->n++;
	return 0;
}

static int cmp_elem(const void *a, const void *b)
{
	const struct nftbatch_elem *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(x->key));

	if (c)
		return c;
	return x->flags < y->flags ? -1 : x->flags > y->flags;
}

/* Whether set @w of @table holds other elements than it must.  -errno. */
static int compare(struct want *w, const char *table, uint16_t family)
{
	struct have h = { .klen = klen_of(w->a) };
	struct nftnl_set *s = nftnl_set_alloc();
	size_t i;
	int ret;

	if (!s)
		return -ENOMEM;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, w->a->name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, family);
	ret = nftbatch_dump(NFT_MSG_GETSETELEM, family, elems_req, s, elem_cb,
			    s);
	if (!ret && nftnl_set_elem_foreach(s, have_cb, &h) < 0)
		ret = -ENOMEM;
	nftnl_set_free(s);
	if (ret) {
		free(h.v);
		return ret;
	}
	/* The kernel's order is its backend's: compare sorted. */
	if (h.n)
		qsort(h.v, h.n, sizeof(*h.v), cmp_elem);
	w->differs = h.odd || h.n != w->n;
	for (i = 0; !w->differs && i < h.n; i++)
		w->differs = cmp_elem(&h.v[i], &w->elems[i]) != 0;
	free(h.v);
	return 0;
}

/*
 * Whether nf_tables is in the kernel: loaded (or built in with a sysfs
 * entry), built into a kernel without loadable modules, or listed in
 * modules.builtin.  Otherwise asking it would load it, for nothing: no
 * table can exist.
 */
static bool nf_tables_present(void)
{
	char path[128 + sizeof(((struct utsname *)0)->release)], line[512];
	bool found = false;
	struct utsname u;
	FILE *f;

	if (!access("/sys/module/nf_tables", F_OK) ||
	    access("/proc/modules", F_OK))
		return true;
	if (uname(&u))
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin",
		 u.release);
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "/nf_tables.ko") != NULL;
	if (f)
		fclose(f);
	return found;
}

static void note(struct nftsync_result *res, const char *name)
{
	size_t o = strlen(res->sets);

	res->nsets++;
	if (o + strlen(name) + 6 < sizeof(res->sets))
		snprintf(res->sets + o, sizeof(res->sets) - o, "%s%s",
			 o ? ", " : "", name);
	else if (!strstr(res->sets, "..."))
		snprintf(res->sets + o, sizeof(res->sets) - o, ", ...");
}

int nftsync_sets(const struct nftgen *g, struct nftsync_result *res,
		 char *err, size_t errlen)
{
	const char *table = g->cfg.table;
	struct scan sc = { .table = table };
	struct nftbatch x;
	size_t i, size = 16384;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (!strcmp(g->cfg.family, "inet"))
		sc.family = NFPROTO_INET;
	else if (!strcmp(g->cfg.family, "ip"))
		sc.family = NFPROTO_IPV4;
	else if (!strcmp(g->cfg.family, "ip6"))
		sc.family = NFPROTO_IPV6;
	else
		return 0;
	sc.w = calloc(g->naddrsets ? g->naddrsets : 1, sizeof(*sc.w));
	if (!sc.w)
		goto nomem;
	for (i = 0; i < g->naddrsets; i++) {
		if (!g->addrsets[i].comment[0])
			continue;
		sc.w[sc.nw].a = &g->addrsets[i];
		if (nftgen_addrset_elems(&g->addrsets[i], &sc.w[sc.nw].elems,
					 &sc.w[sc.nw].n))
			goto nomem;
		sc.nw++;
	}
	/* No set follows names, or no nf_tables: nothing to keep in step. */
	if (!sc.nw || !nf_tables_present())
		goto out;
	ret = nftbatch_dump(NFT_MSG_GETSET, sc.family, table_req, table,
			    set_cb, &sc);
	if (ret == -ENOENT) {
		ret = 0;	/* no table: no export installed */
		goto out;
	}
	if (ret) {
		snprintf(err, errlen, "cannot read its sets: %s",
			 strerror(-ret));
		goto out;
	}
	for (i = 0; i < sc.nw; i++) {
		if (sc.w[i].present)
			continue;
		snprintf(err, errlen,
			 "no set %s (%s): it was exported from another policy; run 'epgate export nft --apply' again",
			 sc.w[i].a->name, sc.w[i].a->comment);
		ret = -ENOENT;
		goto out;
	}
	for (i = 0; i < sc.nw && !ret; i++) {
		ret = compare(&sc.w[i], table, sc.family);
		if (ret)
			snprintf(err, errlen, "cannot read set %s: %s",
				 sc.w[i].a->name, strerror(-ret));
		size += 1024 + sc.w[i].n * 96;
	}
	for (i = 0; i < sc.nw && !ret; i++) {
		if (sc.w[i].differs)
			note(res, sc.w[i].a->name);
	}
	if (ret || !res->nsets)
		goto out;

	/* One transaction: flush and fill each set that differs. */
	ret = nftbatch_start(&x, size, sc.family);
	if (ret)
		goto nomem;
	x.table = table;
	for (i = 0; i < sc.nw; i++) {
		if (!sc.w[i].differs)
			continue;
		nftbatch_flush_set(&x, sc.w[i].a->name);
		nftbatch_elems(&x, sc.w[i].a->name, 0, klen_of(sc.w[i].a),
			       sc.w[i].elems, sc.w[i].n);
	}
	ret = nftbatch_send(&x, err, errlen);
	nftbatch_free(&x);
	if (ret)
		memset(res, 0, sizeof(*res));
	goto out;
nomem:
	ret = -ENOMEM;
	snprintf(err, errlen, "%s", strerror(ENOMEM));
out:
	for (i = 0; sc.w && i < sc.nw; i++)
		free(sc.w[i].elems);
	free(sc.w);
	return ret;
}
