#include "tb_cell_filter.h"

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

/* A cell held to be lifted that grows longer than this is passed on instead: a plain cell is
 * short (a reference, a style, a type and a number). */
#define LIFT_MAX 256

static int append(tb_cell_filter_buffer *b, const char *bytes, size_t n) {
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

void tb_cell_filter_init(tb_cell_filter *s, int32_t limit, int lift) {
    memset(s, 0, sizeof *s);
    s->limit = limit > 0 ? limit : INT32_MAX;
    s->lift = lift != 0;
    s->off = limit <= 0 && !lift;
}

void tb_cell_filter_free(tb_cell_filter *s) {
    free(s->hold.bytes);
    free(s->out.bytes);
    free(s->lifted);
    s->hold.bytes = s->out.bytes = NULL;
    s->lifted = NULL;
    s->hold.capacity = s->out.capacity = 0;
    s->lifted_capacity = s->lifted_count = 0;
}

int tb_cell_filter_passes_all(const tb_cell_filter *s) { return s->off; }

/* A byte of an element name as this tokenizer knows them (ASCII letters, '_', any byte of a
 * multibyte character; digits, '-', '.' and the prefix's ':' after the first). */
static int name_byte(unsigned char b, int first) {
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b >= 0x80) return 1;
    return !first && ((b >= '0' && b <= '9') || b == '-' || b == '.' || b == ':');
}

static int name_is(const tb_cell_filter *s, const char *want) {
    size_t n = strlen(want);
    return s->name_length == n && memcmp(s->name, want, n) == 0;
}

/* Sends the bytes [from, to) where the current sink says. */
static int sink(tb_cell_filter *s, const char *from, const char *to) {
    if (to <= from) return 0;
    return append(s->sink == SINK_PASS ? &s->out : &s->hold, from, (size_t)(to - from));
}

/* Passes on what is held, whole, and goes on passing. */
static int release(tb_cell_filter *s) {
    if (s->sink != SINK_HOLD) return 0;
    int rc = append(&s->out, s->hold.bytes, s->hold.length);
    s->hold.length = 0;
    s->sink = SINK_PASS;
    return rc;
}

/* Every byte passes from now on, what is held first. */
static int switch_off(tb_cell_filter *s) {
    s->off = 1;
    s->dropping = 0;
    s->lifting = 0;
    return release(s);
}

/* The cell held to be lifted will not be: what is held passes on, and the rest of the cell
 * passes as it comes, its open elements (itself included) counted as passed ones. */
static int stop_lifting(tb_cell_filter *s) {
    s->depth += s->dropping;
    s->dropping = 0;
    s->lifting = 0;
    return release(s);
}

/* Text of a plain cell's <f> or <v>: printable ASCII but '<', '&' and '>' (no reference, no
 * line feed, nothing libxml2 would check or change). Returns the length of the text at `p`
 * up to the next '<', or -1 when a byte is not allowed or no '<' follows before `end`. */
static ptrdiff_t plain_text(const char *p, const char *end) {
    for (const char *q = p; q < end; q++) {
        unsigned char b = (unsigned char)*q;
        if (b == '<') return q - p;
        if (b < 0x20 || b > 0x7E || b == '&' || b == '>') return -1;
    }
    return -1;
}

/* Reads a plain cell's optional child `name` (one letter) at *at, `<f/>` or `<f>text</f>`:
 * returns 1 when there is one (its text's place in `cell` set, *at past it), 0 when there is
 * none, -1 when there is one that is not plain. */
static int plain_child(const char **at, const char *end, char name, const char *cell, uint32_t *text_at,
                       uint32_t *text_length) {
    /* Byte compares rather than memcmp: these run for nearly every cell of a sheet. */
    const char *p = *at;
    if (end - p < 3 || p[0] != '<' || p[1] != name) return 0;
    if (p[2] == '/') {
        if (end - p < 4 || p[3] != '>') return 0;
        *at = p + 4;
        return 1;
    }
    if (p[2] != '>') return 0;
    ptrdiff_t length = plain_text(p + 3, end);
    const char *q = p + 3 + length;
    if (length < 0 || end - q < 4 || q[0] != '<' || q[1] != '/' || q[2] != name || q[3] != '>') return -1;
    *text_at = (uint32_t)(p + 3 - cell);
    *text_length = (uint32_t)length;
    *at = q + 4;
    return 1;
}

/* Reads a plain cell (see the header comment) at the start of `cell`'s `n` bytes: attributes
 * r, s and t, each at most once (in any order), double-quoted, one space before each; r a
 * reference inside the grid, s one to nine digits, t one to sixteen ASCII letters; then "/>",
 * or ">", at most one <f> without attributes, at most one <v> (or <v/>), and "</c>". Returns
 * its length with `c` filled in (but for its place), or 0 when the bytes there are not a
 * plain cell or it does not end within them. */
static size_t plain_cell_length(const char *cell, size_t n, tb_lifted_cell *c) {
    const char *p = cell, *end = cell + (n < LIFT_MAX ? n : LIFT_MAX);
    if (end - p < 4 || p[0] != '<' || p[1] != 'c') return 0;
    p += 2;
    c->row = c->column = c->style = 0;
    c->has_r = c->has_t = c->has_formula = c->has_value = 0;
    c->t_at = c->t_length = c->f_at = c->f_length = c->v_at = c->v_length = c->longest_attribute = 0;
    int seen = 0;  /* the attributes read: 1 r, 2 s, 4 t */
    while (p < end && *p == ' ') {
        p++;
        if (end - p < 4 || p[1] != '=' || p[2] != '"') return 0;
        int which = p[0] == 'r' ? 1 : p[0] == 's' ? 2 : p[0] == 't' ? 4 : 0;
        if (which == 0 || (seen & which)) return 0;
        seen |= which;
        p += 3;
        const char *value = p;
        while (p < end && *p != '"') p++;  /* values are a few bytes: no call to memchr */
        if (p == end) return 0;
        size_t length = (size_t)(p - value);
        p++;
        if (length > c->longest_attribute) c->longest_attribute = (uint32_t)length;
        if (which == 1) {
            if (!tb_parse_reference((const unsigned char *)value, length, &c->row, &c->column)) return 0;
            c->has_r = 1;
        } else if (which == 2) {
            if (length == 0 || length > 9) return 0;
            for (size_t k = 0; k < length; k++) {
                if (value[k] < '0' || value[k] > '9') return 0;
                c->style = c->style * 10 + (value[k] - '0');
            }
        } else {
            if (length == 0 || length > 16) return 0;
            for (size_t k = 0; k < length; k++) {
                char b = value[k];
                if (!((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'))) return 0;
            }
            c->has_t = 1;
            c->t_at = (uint32_t)(value - cell);
            c->t_length = (uint32_t)length;
        }
    }
    if (end - p >= 2 && p[0] == '/' && p[1] == '>') return (size_t)(p + 2 - cell);
    if (p >= end || *p != '>') return 0;
    p++;
    int formula = plain_child(&p, end, 'f', cell, &c->f_at, &c->f_length);
    int value = formula < 0 ? -1 : plain_child(&p, end, 'v', cell, &c->v_at, &c->v_length);
    if (value < 0) return 0;
    c->has_formula = (uint8_t)formula;
    c->has_value = (uint8_t)value;
    if (end - p < 4 || memcmp(p, "</c>", 4) != 0) return 0;
    return (size_t)(p + 4 - cell);
}

/* Records a plain cell `c` as lifted: its `length` bytes are the next to reach `out` (the
 * caller passes them on as any others). */
static int record_lifted(tb_cell_filter *s, tb_lifted_cell *c, size_t length) {
    if (s->lifted_count == s->lifted_capacity) {
        size_t next = s->lifted_capacity ? s->lifted_capacity * 2 : 256;
        tb_lifted_cell *grown = realloc(s->lifted, next * sizeof *grown);
        if (!grown) return -1;
        s->lifted = grown;
        s->lifted_capacity = next;
    }
    c->at = s->out.length;
    c->length = length;
    c->depth = s->depth;
    s->lifted[s->lifted_count++] = *c;
    return 0;
}

/* The held cell (all of `hold`) has ended and is to be lifted: lifted when it is plain, else
 * passed on whole. */
static int lift_held_cell(tb_cell_filter *s) {
    s->lifting = 0;
    tb_lifted_cell c;
    if (plain_cell_length(s->hold.bytes, s->hold.length, &c) == s->hold.length &&
        record_lifted(s, &c, s->hold.length) != 0)
        return -1;
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
static int declares_utf8(const tb_cell_filter *s) {
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
static int decide(tb_cell_filter *s) {
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
    if (s->lift && column <= s->limit) {
        if (s->slash) return lift_held_cell(s);
        /* Held to its end, as a cell to drop is, then lifted or passed on whole. */
        s->lifting = 1;
        s->dropping = 1;
        return 0;
    }
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
static int end_held_cell(tb_cell_filter *s) {
    if (s->lifting) return lift_held_cell(s);
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
static int tag_end(tb_cell_filter *s) {
    if (s->declaration) {
        s->declaration = 0;
        return 0;
    }
    int empty = s->slash;
    if (s->dropping) {
        if (s->end_tag) {
            if (--s->dropping == 0) return end_held_cell(s);
            if (s->lifting && s->hold.length > LIFT_MAX) return stop_lifting(s);
        } else if (s->lifting) {
            /* A plain cell's children are an <f> and a <v>. Any other start tag ends the
             * lifting, and is then read as any tag passed on (below). */
            if (s->dropping == 1 && (name_is(s, "v") || name_is(s, "f")) && s->hold.length <= LIFT_MAX) {
                if (!empty) s->dropping++;
                return 0;
            }
            if (stop_lifting(s) != 0) return -1;
            goto passed;
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
passed:
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

/* The part begins with '<' and a byte other than NUL, after a UTF-8 byte order mark if any:
 * it is in an ASCII-compatible encoding (libxml2 reads "<\0" as UTF-16). Called with the
 * part's first bytes, as many as there are up to five. */
static int begins_ascii_compatible(const uint8_t *head, uint32_t n) {
    if (n >= 1 && head[0] == 0xEF) return n >= 5 && head[1] == 0xBB && head[2] == 0xBF && head[3] == '<' && head[4] != 0;
    return n >= 2 && head[0] == '<' && head[1] != 0;
}

int tb_cell_filter_run(tb_cell_filter *s, const char *bytes, size_t length, int last) {
    s->out.length = 0;
    s->lifted_count = 0;
    const char *p = bytes, *end = bytes + length, *mark = bytes;
    if (!s->off && !s->head_checked) {
        for (size_t i = 0; i < length && s->head_length < sizeof s->head; i++) s->head[s->head_length++] = (uint8_t)bytes[i];
        if (s->head_length == sizeof s->head || last) {
            s->head_checked = 1;
            /* Nothing can be held or lifted yet: the bytes pass as they are. */
            if (!begins_ascii_compatible(s->head, s->head_length)) s->off = 1;
        }
    }
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
            /* Cells follow each other without text between them: no call to memchr then. */
            const char *lt = *p == '<' ? p : memchr(p, '<', (size_t)(end - p));
            if (!lt) {
                p = end;
                break;
            }
            p = lt;
            if (s->lift && !s->dropping && s->sink == SINK_PASS && s->row_depth && s->depth == s->row_depth) {
                /* A row's child: when it is a whole plain cell within these bytes, it is lifted
                 * at once (the tokenizer below would come to the same end, held cell by held
                 * cell, as it does for a plain cell across the end of the bytes). */
                tb_lifted_cell c;
                size_t n = plain_cell_length(p, (size_t)(end - p), &c);
                int32_t column = n == 0 ? 0 : c.has_r ? c.column : s->previous_column + 1;
                if (n > 0 && column <= s->limit) {
                    /* The bytes up to the cell pass on; the cell's own pass on with what follows. */
                    if (sink(s, mark, p) != 0 || record_lifted(s, &c, n) != 0) return -1;
                    s->previous_column = column;
                    mark = p;
                    p += n;
                    if (p == end) break;
                    goto text;
                }
            }
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
            int odd = 0;
            while (p < end && !tb_is_xml_space(*p) && *p != '>' && *p != '/') {
                if (!name_byte((unsigned char)*p, n == 0)) {
                    odd = 1;
                    break;
                }
                if (*p == ':') {
                    n = 0;
                } else {
                    if (n < sizeof s->name) s->name[n] = *p;
                    n++;
                }
                p++;
            }
            s->name_length = n;
            /* A name libxml2 would refuse: it is left to libxml2 to say so (this tokenizer's
             * idea of the markup that follows may be wrong). */
            if (odd || (p < end && n == 0)) {
                if (switch_off(s) != 0) return -1;
                break;
            }
            if (p == end) break;
            if (s->sink == SINK_HOLD && !s->dropping && !name_is(s, "c")) RELEASE();
            s->state = SKIP_TAG;
        }
            /* fall through */
        case SKIP_TAG:
        tag:
            while (p < end && *p != '>' && *p != '"' && *p != '\'' && *p != '<') {
                s->slash = *p == '/';
                p++;
            }
            if (p == end) break;
            if (*p == '<') {
                /* Not well-formed: libxml2 says so. */
                if (switch_off(s) != 0) return -1;
                break;
            }
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
    if (s->lifting && s->hold.length > LIFT_MAX && stop_lifting(s) != 0) return -1;
    if (s->sink == SINK_HOLD && (s->hold.length > HOLD_MAX || last) && switch_off(s) != 0) return -1;
    return 0;
#undef MOVE_SINK
#undef RELEASE
}
