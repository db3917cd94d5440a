// SPDX-License-Identifier: GPL-2.0
/* The -j writer: separators, nesting and string escaping. */

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static char *render(void (*fn)(struct json *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	if (!f)
		return NULL;
	json_init(&j, f);
	fn(&j);
	fclose(f);
	return buf;
}

static void nested(struct json *j)
{
	json_object_begin(j, NULL);
	json_string(j, "name", "kaspersky");
	json_array_begin(j, "ports");
	json_array_begin(j, NULL);
	json_u64(j, NULL, 13000);
	json_u64(j, NULL, 13000);
	json_array_end(j);
	json_array_begin(j, NULL);
	json_u64(j, NULL, 14000);
	json_u64(j, NULL, 14001);
	json_array_end(j);
	json_array_end(j);
	json_bool(j, "default", true);
	json_array_begin(j, "empty");
	json_array_end(j);
	json_object_end(j);
}

static void escapes(struct json *j)
{
	json_string(j, NULL, "a\"b\\c\nd\te\x01");
}

int main(void)
{
	char *s;

	tap_plan(2);
	s = render(nested);
	ok(s && !strcmp(s, "{\"name\": \"kaspersky\", \"ports\": [[13000, 13000], "
			   "[14000, 14001]], \"default\": true, \"empty\": []}"),
	   "nested objects and arrays: %s", s ? s : "(null)");
	free(s);
	s = render(escapes);
	ok(s && !strcmp(s, "\"a\\\"b\\\\c\\nd\\te\\u0001\""),
	   "strings are escaped: %s", s ? s : "(null)");
	free(s);
	return tap_exit();
}
