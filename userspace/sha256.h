/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4) of a buffer, for the trailer of save files: a
 * small self-contained copy, so that the tool links no crypto library for
 * one checksum.  Not constant time; nothing secret goes through it.
 */
#ifndef EPGATE_SHA256_H
#define EPGATE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN	32

void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

/* The digest as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[2 * SHA256_DIGEST_LEN + 1]);

#endif
