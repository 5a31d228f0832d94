#include "tb_cell_skip.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The tokenizer's states. */
enum {
    SKIP_TEXT,     /* character data: looking for '<' */
    SKIP_OPEN,     /* after '<' */
    SKIP_NAME,     /* a start or end tag's name */
    SKIP_TAG,      /* inside a tag after its name (or a declaration inside a held cell) */
    SKIP_QUOTE,    /* inside an attribute value */
    SKIP_BANG,     /* after "<!": a comment, a CDATA section or a declaration */
    SKIP_COMMENT,  /* until "-->" */
    SKIP_CDATA,    /* until "]]>" */
    SKIP_PI        /* until "?>" */
};

/* Where the bytes being read go: on to libxml2, or held until a decision. */
enum { SINK_PASS, SINK_HOLD };

/* A held start tag or cell longer than this switches the filter off (memory stays bounded).
 * The check is made again wherever the held bytes are decided, so where chunks end does not
 * change the bytes passed on. */
#define HOLD_MAX (64 * 1024)

static int append(tb_cell_skip_buffer *b, const char *bytes, size_t n) {
    if (n == 0) return 0;
    if (b->length + n > b->capacity) {
        size_t next = b->capacity ? b->capacity : 4096;
        while (next < b->length + n) {
            if (next > SIZE_MAX / 2) return -1;
            next *= 2;
        }
        char *grown = realloc(b->bytes, next);
        if (!grown) return -1;
        b->bytes = grown;
        b->capacity = next;
    }
    memcpy(b->bytes + b->length, bytes, n);
    b->length += n;
    return 0;
}

void tb_cell_skip_init(tb_cell_skip *s, int32_t limit) {
    memset(s, 0, sizeof *s);
    s->limit = limit;
    s->off = limit <= 0;
}

void tb_cell_skip_free(tb_cell_skip *s) {
    free(s->hold.bytes);
    free(s->out.bytes);
    s->hold.bytes = s->out.bytes = NULL;
    s->hold.capacity = s->out.capacity = 0;
}

int tb_cell_skip_passes_all(const tb_cell_skip *s) { return s->off; }

static int name_is(const tb_cell_skip *s, const char *want) {
    size_t n = strlen(want);
    return s->name_length == n && memcmp(s->name, want, n) == 0;
}

/* Sends the bytes [from, to) where the current sink says. */
static int sink(tb_cell_skip *s, const char *from, const char *to) {
    if (to <= from) return 0;
    return append(s->sink == SINK_PASS ? &s->out : &s->hold, from, (size_t)(to - from));
}

/* Passes on what is held, whole, and goes on passing. */
static int release(tb_cell_skip *s) {
    if (s->sink != SINK_HOLD) return 0;
    int rc = append(&s->out, s->hold.bytes, s->hold.length);
    s->hold.length = 0;
    s->sink = SINK_PASS;
    return rc;
}

/* Every byte passes from now on, what is held first. */
static int switch_off(tb_cell_skip *s) {
    s->off = 1;
    s->dropping = 0;
    return release(s);
}

/* The value of the attribute with local name `want` (any prefix but xmlns) of the start tag
 * `tag` (from its '<' to its '>'), or NULL. `malformed` is set when the tag cannot be read as a
 * name, attributes and an end, and also when the filter cannot be sure it reads the value as
 * libxml2 and the XML shim will: two attributes of that local name (different prefixes), or a
 * reference (`&...;`) in its value. */
static const char *find_attribute(const char *tag, size_t n, const char *want, size_t *length, int *malformed) {
    const char *p = tag + 1, *end = tag + n;
    const char *found = NULL;
    size_t want_length = strlen(want);
    *malformed = 0;
    while (p < end && !tb_is_xml_space(*p) && *p != '/' && *p != '>') p++;
    for (;;) {
        while (p < end && tb_is_xml_space(*p)) p++;
        if (p >= end) break;
        if (*p == '/' || *p == '>') return found;
        const char *name = p;
        while (p < end && !tb_is_xml_space(*p) && *p != '=' && *p != '/' && *p != '>') p++;
        const char *name_end = p;
        while (p < end && tb_is_xml_space(*p)) p++;
        if (p >= end || *p != '=') break;
        p++;
        while (p < end && tb_is_xml_space(*p)) p++;
        if (p >= end || (*p != '"' && *p != '\'')) break;
        char quote = *p++;
        const char *value = p;
        while (p < end && *p != quote) p++;
        if (p >= end) break;
        const char *local = name;
        for (const char *q = name; q < name_end; q++)
            if (*q == ':') local = q + 1;
        int xmlns = name_end - name >= 5 && memcmp(name, "xmlns", 5) == 0
            && (name_end - name == 5 || name[5] == ':');
        if (!xmlns && (size_t)(name_end - local) == want_length && memcmp(local, want, want_length) == 0) {
            if (found || memchr(value, '&', (size_t)(p - value))) break;
            found = value;
            *length = (size_t)(p - value);
        }
        p++;
    }
    *malformed = 1;
    return NULL;
}

/* The XML declaration read (its bytes after "<?") names no encoding, or UTF-8. */
static int declares_utf8(const tb_cell_skip *s) {
    if (s->declaration_length >= sizeof s->declaration_text) return 0;  /* too long to be sure */
    const char *text = s->declaration_text, *end = text + s->declaration_length;
    for (const char *p = text; p + 8 <= end; p++) {
        if (memcmp(p, "encoding", 8) != 0) continue;
        p += 8;
        while (p < end && (tb_is_xml_space(*p) || *p == '=')) p++;
        if (p >= end || (*p != '"' && *p != '\'')) return 0;
        char quote = *p++;
        const char *value = p;
        while (p < end && *p != quote) p++;
        size_t n = (size_t)(p - value);
        return (n == 5 && strncasecmp(value, "utf-8", 5) == 0) || (n == 4 && strncasecmp(value, "utf8", 4) == 0);
    }
    return 1;
}

/* The held start tag of a cell in a row is complete: pass it on, or go on holding the cell
 * to drop its content. */
static int decide(tb_cell_skip *s) {
    if (s->hold.length > HOLD_MAX) return switch_off(s);
    size_t n = 0;
    int malformed;
    const char *r = find_attribute(s->hold.bytes, s->hold.length, "r", &n, &malformed);
    if (malformed) return switch_off(s);
    int32_t row, column;
    if (!r || n == 0) {
        column = s->previous_column + 1;
    } else if (!tb_parse_reference((const unsigned char *)r, n, &row, &column)) {
        return switch_off(s);
    }
    s->previous_column = column;
    if (column <= s->limit || s->slash) {
        if (!s->slash) s->depth++;
        return release(s);
    }
    s->dropping = 1;
    s->cell_tag_length = s->hold.length;
    s->keep_cell = 0;
    return 0;
}

/* The cell being held has ended: passed on empty, its line feeds after it (so that libxml2's
 * line numbers stay the file's), or whole when it holds a shared formula's text. */
static int end_held_cell(tb_cell_skip *s) {
    if (s->hold.length > HOLD_MAX) return switch_off(s);
    if (s->keep_cell) return release(s);
    /* "<c ...>" becomes "<c .../>" */
    size_t tag = s->cell_tag_length;
    size_t line_feeds = 0;
    const char *p = s->hold.bytes + tag, *end = s->hold.bytes + s->hold.length;
    for (; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++) line_feeds++;
    if (append(&s->out, s->hold.bytes, tag - 1) != 0 || append(&s->out, "/>", 2) != 0) return -1;
    char feeds[64];
    memset(feeds, '\n', sizeof feeds);
    while (line_feeds > 0) {
        size_t k = line_feeds < sizeof feeds ? line_feeds : sizeof feeds;
        if (append(&s->out, feeds, k) != 0) return -1;
        line_feeds -= k;
    }
    s->hold.length = 0;
    s->sink = SINK_PASS;
    return 0;
}

/* A tag has ended (its '>' has been read and sent to the sink). */
static int tag_end(tb_cell_skip *s) {
    if (s->declaration) {
        s->declaration = 0;
        return 0;
    }
    int empty = s->slash;
    if (s->dropping) {
        if (s->end_tag) {
            if (--s->dropping == 0) return end_held_cell(s);
        } else {
            /* The reader keeps a shared formula's text even from a cell it discards (a formula
             * left of it may refer to it), so such a cell passes whole. */
            if (s->dropping == 1 && !empty && name_is(s, "f")) {
                size_t n = 0;
                int malformed;
                const char *t = find_attribute(s->hold.bytes + s->tag_start, s->hold.length - s->tag_start, "t", &n,
                                               &malformed);
                if (malformed || (t && n == 6 && memcmp(t, "shared", 6) == 0)) s->keep_cell = 1;
            }
            if (!empty) s->dropping++;
        }
        return 0;
    }
    if (s->sink == SINK_HOLD) return decide(s);
    if (s->end_tag) {
        if (s->depth > 0) s->depth--;
        if (s->row_depth && s->depth < s->row_depth) s->row_depth = 0;
        if (s->sheet_data_depth && s->depth < s->sheet_data_depth) s->sheet_data_depth = 0;
        return 0;
    }
    if (name_is(s, "sheetData")) {
        /* One <sheetData> per worksheet: a second one is not the shape this filter knows. */
        if (s->seen_sheet_data) return switch_off(s);
        s->seen_sheet_data = 1;
        if (!empty) s->sheet_data_depth = s->depth + 1;
    } else if (s->row_depth && s->depth == s->row_depth) {
        /* A child of a row that is not a cell (cells are held, and decided above). */
        return switch_off(s);
    } else if (s->sheet_data_depth && name_is(s, "row")) {
        if (s->depth != s->sheet_data_depth || s->row_depth) return switch_off(s);
        if (!empty) {
            s->row_depth = s->depth + 1;
            s->previous_column = 0;
        }
    }
    if (!empty) s->depth++;
    return 0;
}

int tb_cell_skip_run(tb_cell_skip *s, const char *bytes, size_t length, int last) {
    s->out.length = 0;
    const char *p = bytes, *end = bytes + length, *mark = bytes;
    if (s->off) return append(&s->out, bytes, length);
#define MOVE_SINK(to)                                  \
    do {                                               \
        if (sink(s, mark, p) != 0) return -1;          \
        mark = p;                                      \
        s->sink = (to);                                \
    } while (0)
#define RELEASE()                                      \
    do {                                               \
        if (sink(s, mark, p) != 0 || release(s) != 0) return -1; \
        mark = p;                                      \
    } while (0)
    /* The common path (text, '<', a name, a tag with quoted attributes, '>', text ...) falls
     * through from state to state without going back to the switch; the switch resumes a
     * state a chunk boundary interrupted. */
    while (p < end && !s->off) {
        switch (s->state) {
        case SKIP_TEXT:
        text: {
            const char *lt = memchr(p, '<', (size_t)(end - p));
            if (!lt) {
                p = end;
                break;
            }
            p = lt;
            if (s->dropping) {
                /* Where this tag starts in the held cell, to read its attributes at its end. */
                s->tag_start = s->hold.length + (size_t)(p - mark);
            } else if (s->sink == SINK_PASS && s->row_depth && s->depth == s->row_depth) {
                /* A child of a row: held until its name (and, for a cell, its r) is known. */
                MOVE_SINK(SINK_HOLD);
            }
            s->state = SKIP_OPEN;
            p++;
            if (p == end) break;
        }
            /* fall through */
        case SKIP_OPEN:
            s->slash = 0;
            s->name_length = 0;
            if (*p == '/' || *p == '!' || *p == '?') {
                if (!s->dropping) RELEASE();  /* not a cell's start tag */
                s->end_tag = *p == '/';
                s->state = *p == '/' ? SKIP_NAME : *p == '!' ? SKIP_BANG : SKIP_PI;
                if (s->state == SKIP_PI) {
                    /* At the start (after a UTF-8 byte order mark, if any): the XML declaration. */
                    uint64_t at = s->position + (uint64_t)(p - bytes);
                    s->in_declaration = at == 1 || at == 4;
                    s->declaration_length = 0;
                }
                s->bang_length = 0;
                s->run = 0;
                p++;
                if (s->state != SKIP_NAME || p == end) break;
            } else {
                s->end_tag = 0;
                s->state = SKIP_NAME;
            }
            /* fall through */
        case SKIP_NAME: {
            uint32_t n = s->name_length;
            while (p < end && !tb_is_xml_space(*p) && *p != '>' && *p != '/') {
                if (*p == ':') {
                    n = 0;
                } else {
                    if (n < sizeof s->name) s->name[n] = *p;
                    n++;
                }
                p++;
            }
            s->name_length = n;
            if (p == end) break;
            if (s->sink == SINK_HOLD && !s->dropping && !name_is(s, "c")) RELEASE();
            s->state = SKIP_TAG;
        }
            /* fall through */
        case SKIP_TAG:
        tag:
            while (p < end && *p != '>' && *p != '"' && *p != '\'') {
                s->slash = *p == '/';
                p++;
            }
            if (p == end) break;
            if (*p == '>') {
                p++;
                /* The tag, whole, goes where its bytes were going before tag_end decides. */
                if (sink(s, mark, p) != 0 || tag_end(s) != 0) return -1;
                mark = p;
                s->state = SKIP_TEXT;
                if (p == end || s->off) break;
                goto text;
            }
            s->quote = *p++;
            s->slash = 0;
            s->state = SKIP_QUOTE;
            /* fall through */
        case SKIP_QUOTE: {
            const char *q = memchr(p, s->quote, (size_t)(end - p));
            if (!q) {
                p = end;
                break;
            }
            p = q + 1;
            s->state = SKIP_TAG;
            goto tag;
        }
        case SKIP_BANG: {
            char c = *p++;
            s->bang[s->bang_length++] = c;
            if (s->bang_length <= 2 && memcmp(s->bang, "--", s->bang_length) == 0) {
                if (s->bang_length == 2) s->state = SKIP_COMMENT;
            } else if (s->bang_length <= 7 && memcmp(s->bang, "[CDATA[", s->bang_length) == 0) {
                if (s->bang_length == 7) s->state = SKIP_CDATA;
            } else if (s->dropping) {
                /* A declaration inside a held cell: held up to its '>' like a tag. */
                if (c == '>') {
                    s->state = SKIP_TEXT;
                } else {
                    s->declaration = 1;
                    s->state = SKIP_TAG;
                }
            } else {
                if (switch_off(s) != 0) return -1;
            }
            break;
        }
        case SKIP_COMMENT:
        case SKIP_CDATA:
        case SKIP_PI: {
            char closing = s->state == SKIP_COMMENT ? '-' : s->state == SKIP_CDATA ? ']' : '?';
            uint32_t needed = s->state == SKIP_PI ? 1 : 2;
            while (p < end) {
                char c = *p++;
                if (c == '>' && s->run >= needed) {
                    s->state = SKIP_TEXT;
                    s->run = 0;
                    if (s->in_declaration && !declares_utf8(s) && switch_off(s) != 0) return -1;
                    s->in_declaration = 0;
                    break;
                }
                s->run = c == closing ? s->run + 1 : 0;
                if (s->in_declaration && s->declaration_length < sizeof s->declaration_text)
                    s->declaration_text[s->declaration_length++] = c;
            }
            break;
        }
        }
    }
    /* The rest of the input: where the sink says (everything, once switched off). */
    p = end;
    s->position += length;
    if (sink(s, mark, p) != 0) return -1;
    if (s->sink == SINK_HOLD && (s->hold.length > HOLD_MAX || last) && switch_off(s) != 0) return -1;
    return 0;
#undef MOVE_SINK
#undef RELEASE
}
