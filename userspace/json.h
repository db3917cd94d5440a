/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EPGATE_JSON_H
#define EPGATE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

/*
 * A streaming JSON writer for the -j output of read commands.  @key is the
 * member name inside an object and NULL inside an array or at the top.
 */
struct json {
	FILE *f;
	int depth;
	bool comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f);
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_i64(struct json *j, const char *key, int64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* Terminates the document with a newline. */
void json_finish(struct json *j);

#endif
