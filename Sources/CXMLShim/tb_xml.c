#include "tb_xml.h"
#include "tb_cell_filter.h"
#include "tb_handoff.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer (the current cell's pieces). */
typedef struct {
    char *bytes;
    size_t length;
    size_t capacity;
} tb_bytes;

/* The <c> element being read in cell mode. Its values are written straight into the arena of
 * the batch being filled, each NUL-terminated, and the record points at them; while a chunk
 * boundary passes through the cell, its bytes wait in `carry`. */
typedef struct {
    uint32_t depth;         /* depth of the <c>; 0 when no cell is open */
    int child;              /* the direct child being read: CHILD_* */
    int phonetic_depth;     /* inside <is>: open <rPh> elements */
    int in_t;               /* inside <is>: inside a <t> */
    int preserve;           /* that <t> said xml:space="preserve" */
    uint32_t t_start;       /* where that <t>'s text starts in the inline value */
    size_t arena_start;     /* where the cell's bytes start in the arena */
    tb_bytes carry;
    tb_xml_cell record;
} tb_open_cell;

enum { NAME_C, NAME_V, NAME_F, NAME_IS, NAME_T, NAME_RPH, NAME_SHEET_DATA, NAME_COUNT };

enum { CHILD_NONE = 0, CHILD_VALUE = 1, CHILD_FORMULA = 2, CHILD_INLINE = 3, CHILD_SKIP = 4 };

/* What one feed produces: events, attributes, cell records and the bytes they point at. The
 * parser writes into one batch (`out`) while the reader reads another (`view`): the same one
 * when feeding synchronously, different ones of a small ring when a pipeline reads ahead. */
typedef struct {
    tb_xml_event *events;
    size_t event_count;
    size_t event_capacity;

    tb_xml_attr *attrs;
    size_t attr_count;
    size_t attr_capacity;

    tb_xml_cell *cells;
    size_t cell_count;
    size_t cell_capacity;

    char *arena;
    size_t arena_length;
    size_t arena_capacity;

    tb_xml_batch_info info;
} tb_xml_batch;

#define TB_XML_RING 3

typedef struct tb_xml_pipeline tb_xml_pipeline;

struct tb_xml_parser {
    xmlParserCtxtPtr ctxt;
    int cell_mode;
    int in_sheet_data;
    int32_t column_limit;    /* cell mode: the columns kept (0: all) */
    int lift_cells;          /* cell mode: plain cells are lifted past libxml2 (the default) */
    uint64_t lifted_cells;   /* how many were */
    tb_cell_filter filter;
    tb_open_cell cell;
    uint32_t max_depth;
    uint32_t max_text;
    uint32_t depth;

    tb_xml_batch ring[TB_XML_RING];
    tb_xml_batch *out;   /* written by the parser */
    tb_xml_batch *view;  /* read through tb_xml_events() and friends */
    tb_xml_pipeline *pipeline;
    const xmlChar *names[NAME_COUNT];

    /* Length of the text node being collected, across chunks (for the length limit). */
    size_t open_text_length;

    int error_code;
    int error_line;
    char error_message[256];
};

static void fail(tb_xml_parser *p, int code, const char *message, int line) {
    if (p->error_code != TB_XML_OK) return;
    p->error_code = code;
    p->error_line = line;
    snprintf(p->error_message, sizeof p->error_message, "%s", message ? message : "");
    /* Trim libxml2's trailing newline. */
    size_t n = strlen(p->error_message);
    while (n > 0 && (p->error_message[n - 1] == '\n' || p->error_message[n - 1] == ' '))
        p->error_message[--n] = 0;
    if (p->ctxt) xmlStopParser(p->ctxt);
}

static int current_line(tb_xml_parser *p) {
    return (p->ctxt && p->ctxt->input) ? p->ctxt->input->line : 0;
}

static int grow(void **buffer, size_t *capacity, size_t needed, size_t element_size) {
    if (needed <= *capacity) return 1;
    size_t next = *capacity ? *capacity : 256;
    while (next < needed) {
        if (next > SIZE_MAX / 2 / element_size) return 0;
        next *= 2;
    }
    void *grown = realloc(*buffer, next * element_size);
    if (!grown) return 0;
    *buffer = grown;
    *capacity = next;
    return 1;
}

static tb_xml_event *push_event(tb_xml_parser *p) {
    if (!grow((void **)&p->out->events, &p->out->event_capacity, p->out->event_count + 1, sizeof(tb_xml_event))) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return NULL;
    }
    tb_xml_event *e = &p->out->events[p->out->event_count++];
    memset(e, 0, sizeof *e);
    return e;
}

/* memcpy for the short values cells hold, without a call for the common sizes. */
static inline void copy_bytes(char *to, const char *from, size_t n) {
    if (n <= 16) {
        if (n >= 8) {
            uint64_t a, b;
            memcpy(&a, from, 8);
            memcpy(&b, from + n - 8, 8);
            memcpy(to, &a, 8);
            memcpy(to + n - 8, &b, 8);
        } else if (n >= 4) {
            uint32_t a, b;
            memcpy(&a, from, 4);
            memcpy(&b, from + n - 4, 4);
            memcpy(to, &a, 4);
            memcpy(to + n - 4, &b, 4);
        } else {
            for (size_t i = 0; i < n; i++) to[i] = from[i];
        }
        return;
    }
    memcpy(to, from, n);
}

/* Appends bytes and the value's NUL at the end of the batch's arena, which has room for them. */
static inline void end_value(tb_xml_batch *b, const char *bytes, size_t n) {
    copy_bytes(b->arena + b->arena_length, bytes, n);
    b->arena_length += n;
    b->arena[b->arena_length++] = 0;
}

/* Appends bytes and a terminating NUL to the arena; returns the offset of the bytes, or
 * UINT32_MAX on failure. Every value in the arena is therefore NUL-terminated. */
static uint32_t arena_append(tb_xml_parser *p, const char *bytes, size_t length) {
    if (p->out->arena_length + length + 1 >= UINT32_MAX) {
        fail(p, TB_XML_ERR_MEMORY, "event arena overflow", current_line(p));
        return UINT32_MAX;
    }
    if (!grow((void **)&p->out->arena, &p->out->arena_capacity, p->out->arena_length + length + 1, 1)) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return UINT32_MAX;
    }
    uint32_t offset = (uint32_t)p->out->arena_length;
    end_value(p->out, bytes, length);
    return offset;
}

static inline int bytes_append(tb_xml_parser *p, tb_bytes *b, const char *bytes, size_t length) {
    if (b->length + length + 1 <= b->capacity) {
        memcpy(b->bytes + b->length, bytes, length);
        b->length += length;
        return 1;
    }
    if (!grow((void **)&b->bytes, &b->capacity, b->length + length + 1, 1)) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return 0;
    }
    memcpy(b->bytes + b->length, bytes, length);
    b->length += length;
    return 1;
}

/* The element names cell mode looks for, interned in the parser's dictionary at creation:
 * libxml2 hands SAX2 callbacks names from that dictionary, so a match is one pointer compare
 * (a string compare remains as the fallback). */
static const char *const element_names[NAME_COUNT] = {"c", "v", "f", "is", "t", "rPh", "sheetData"};

static inline int named(const xmlChar *name, const char *want) {
    return name[0] == (xmlChar)want[0] && strcmp((const char *)name, want) == 0;
}

static inline int is_element(const tb_xml_parser *p, const xmlChar *name, int which) {
    return name == p->names[which] || named(name, element_names[which]);
}

/* The value of an attribute (SAX2 layout: 5 pointers each) by local name, or NULL. */
static const xmlChar *attribute(int nb_attributes, const xmlChar **attributes, const char *want, size_t *length) {
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **a = attributes + 5 * i;
        if (named(a[0], want)) {
            *length = (size_t)(a[4] - a[3]);
            return a[3];
        }
    }
    return NULL;
}

/* Appends bytes to one value of the open cell (offset and length in its record), keeping the
 * value NUL-terminated in the arena. The value being read is normally the arena's last, so it
 * grows in place; a value continued after another one (a second <v> after an <f>) moves to the
 * end first. An absent value (TB_XML_ABSENT) becomes present; an empty one takes no bytes. */
static int slot_append_slow(tb_xml_parser *p, uint32_t *offset, uint32_t *length, const char *bytes, size_t n) {
    tb_xml_batch *b = p->out;
    size_t have = (*length == TB_XML_ABSENT) ? 0 : *length;
    if (n == 0) {
        if (have == 0) { *offset = 0; *length = 0; }
        return 1;
    }
    int at_end = have > 0 && (size_t)*offset + have + 1 == b->arena_length;
    size_t needed = b->arena_length + (at_end ? 0 : have + 1) + n;
    if (needed >= UINT32_MAX || have + n > p->max_text) {
        fail(p, have + n > p->max_text ? TB_XML_ERR_LENGTH : TB_XML_ERR_MEMORY,
             have + n > p->max_text ? "text node too long" : "event arena overflow", current_line(p));
        return 0;
    }
    if (!grow((void **)&b->arena, &b->arena_capacity, needed, 1)) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return 0;
    }
    if (at_end) {
        b->arena_length--;  /* drop the NUL; the value continues */
    } else {
        if (have > 0) memcpy(b->arena + b->arena_length, b->arena + *offset, have);
        *offset = (uint32_t)b->arena_length;
        b->arena_length += have;
    }
    end_value(b, bytes, n);
    *length = (uint32_t)(have + n);
    return 1;
}

/* slot_append's usual case inline: a new, non-empty value with room for it in the arena. */
static inline int slot_append(tb_xml_parser *p, uint32_t *offset, uint32_t *length, const char *bytes, size_t n) {
    tb_xml_batch *b = p->out;
    if ((*length == TB_XML_ABSENT || *length == 0) && n > 0 && n <= p->max_text &&
        b->arena_length + n + 1 <= b->arena_capacity && b->arena_length + n + 1 < UINT32_MAX) {
        *offset = (uint32_t)b->arena_length;
        end_value(b, bytes, n);
        *length = (uint32_t)n;
        return 1;
    }
    return slot_append_slow(p, offset, length, bytes, n);
}

/* The six values of a cell record, for moving them together. */
static void cell_slots(tb_xml_cell *r, uint32_t *offsets[6], uint32_t *lengths[6]) {
    offsets[0] = &r->r_offset; lengths[0] = &r->r_length;
    offsets[1] = &r->t_offset; lengths[1] = &r->t_length;
    offsets[2] = &r->si_offset; lengths[2] = &r->si_length;
    offsets[3] = &r->value_offset; lengths[3] = &r->value_length;
    offsets[4] = &r->formula_offset; lengths[4] = &r->formula_length;
    offsets[5] = &r->inline_offset; lengths[5] = &r->inline_length;
}

/* At the end of a chunk with a cell still open: its bytes leave the batch (which is about to
 * be read) for the carry buffer. */
static void carry_out(tb_xml_parser *p) {
    tb_open_cell *c = &p->cell;
    tb_xml_batch *b = p->out;
    size_t n = b->arena_length - c->arena_start;
    c->carry.length = 0;
    if (n > 0 && !bytes_append(p, &c->carry, b->arena + c->arena_start, n)) return;
    b->arena_length = c->arena_start;
}

/* At the start of the next chunk: the open cell's bytes come back, at the end of the arena of
 * the batch now being filled, and its record's offsets follow them. */
static void carry_in(tb_xml_parser *p) {
    tb_open_cell *c = &p->cell;
    tb_xml_batch *b = p->out;
    size_t n = c->carry.length;
    if (!grow((void **)&b->arena, &b->arena_capacity, b->arena_length + n + 1, 1)) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return;
    }
    size_t start = b->arena_length;
    if (n > 0) memcpy(b->arena + start, c->carry.bytes, n);
    b->arena_length += n;
    uint32_t *offsets[6], *lengths[6];
    cell_slots(&c->record, offsets, lengths);
    for (int i = 0; i < 6; i++) {
        if (*lengths[i] != TB_XML_ABSENT && *lengths[i] > 0)
            *offsets[i] = (uint32_t)(*offsets[i] - c->arena_start + start);
    }
    c->arena_start = start;
    c->carry.length = 0;
}

/* Keeps an attribute of the open cell as one of its values. */
static void keep_attribute(tb_xml_parser *p, int nb_attributes, const xmlChar **attributes, const char *want,
                           uint32_t *offset, uint32_t *length) {
    size_t n;
    const xmlChar *value = attribute(nb_attributes, attributes, want, &n);
    if (!value) return;
    slot_append(p, offset, length, (const char *)value, n);
}

static void open_cell(tb_xml_parser *p, int nb_attributes, const xmlChar **attributes) {
    tb_open_cell *c = &p->cell;
    c->depth = p->depth;
    c->child = CHILD_NONE;
    c->phonetic_depth = 0;
    c->in_t = 0;
    c->arena_start = p->out->arena_length;
    tb_xml_cell *r = &c->record;
    memset(r, 0, sizeof *r);
    r->r_length = r->t_length = r->si_length = TB_XML_ABSENT;
    /* One pass over the attributes: r and s are decoded here, t is kept for the reader. */
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **a = attributes + 5 * i;
        if (a[0][0] == 0 || a[0][1] != 0) continue;
        const xmlChar *v = a[3];
        size_t n = (size_t)(a[4] - a[3]);
        if (n > p->max_text) {
            fail(p, TB_XML_ERR_LENGTH, "attribute value too long", current_line(p));
            return;
        }
        switch (a[0][0]) {
        case 'r':
            if (n == 0) break;  /* an empty r: the position follows the previous cell */
            if (!tb_parse_reference(v, n, &r->row, &r->column)) {
                r->row = r->column = -1;
                slot_append(p, &r->r_offset, &r->r_length, (const char *)v, n);  /* for the message */
            }
            break;
        case 's': {
            int64_t style = 0;
            for (size_t k = 0; k < n && v[k] >= '0' && v[k] <= '9'; k++) {
                style = style * 10 + (v[k] - '0');
                if (style > INT32_MAX) { style = -1; break; }
            }
            r->style = (int32_t)style;
            break;
        }
        case 't':
            slot_append(p, &r->t_offset, &r->t_length, (const char *)v, n);
            break;
        default:
            break;
        }
    }
}

/* A start tag inside the open cell. */
static void cell_start(tb_xml_parser *p, const xmlChar *localname, int nb_attributes, const xmlChar **attributes) {
    tb_open_cell *c = &p->cell;
    tb_xml_cell *r = &c->record;
    if (p->depth == c->depth + 1) {
        if (is_element(p, localname, NAME_V)) {
            c->child = CHILD_VALUE;
            r->has_value = 1;
        } else if (is_element(p, localname, NAME_F)) {
            c->child = CHILD_FORMULA;
            r->has_formula = 1;
            size_t length;
            const xmlChar *t = attribute(nb_attributes, attributes, "t", &length);
            int shared = t && length == 6 && memcmp(t, "shared", 6) == 0;
            r->data_table = t && length == 9 && memcmp(t, "dataTable", 9) == 0;
            if (shared) {
                r->shared = 1;
                r->shared_master = attribute(nb_attributes, attributes, "ref", &length) != NULL;
                r->si_offset = 0;
                r->si_length = TB_XML_ABSENT;  /* the last shared <f> counts */
                keep_attribute(p, nb_attributes, attributes, "si", &r->si_offset, &r->si_length);
            }
        } else if (is_element(p, localname, NAME_IS)) {
            c->child = CHILD_INLINE;
            r->has_inline = 1;
        } else {
            c->child = CHILD_SKIP;
        }
        return;
    }
    if (c->child != CHILD_INLINE) return;
    if (is_element(p, localname, NAME_RPH)) {
        c->phonetic_depth++;
    } else if (c->phonetic_depth == 0 && is_element(p, localname, NAME_T)) {
        size_t length;
        const xmlChar *space = attribute(nb_attributes, attributes, "space", &length);
        c->in_t = 1;
        c->t_start = r->inline_length;
        c->preserve = space && length == 8 && memcmp(space, "preserve", 8) == 0;
    }
}

/* The finished cell: its record joins the batch's, and its event is emitted. Its values are
 * already in the arena. */
static void close_cell(tb_xml_parser *p) {
    tb_open_cell *c = &p->cell;
    tb_xml_batch *b = p->out;
    if (p->error_code) return;
    if (!grow((void **)&b->cells, &b->cell_capacity, b->cell_count + 1, sizeof(tb_xml_cell))) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return;
    }
    b->cells[b->cell_count] = c->record;
    tb_xml_event *e = push_event(p);
    if (!e) return;
    e->kind = TB_XML_CELL;
    e->depth = (int32_t)c->depth;
    e->attr_first = (uint32_t)b->cell_count++;
    c->depth = 0;
}

/* An end tag inside the open cell (not the cell's own). */
static void cell_end(tb_xml_parser *p, const xmlChar *localname) {
    tb_open_cell *c = &p->cell;
    if (p->depth == c->depth + 1) {
        c->child = CHILD_NONE;
        return;
    }
    if (c->child != CHILD_INLINE) return;
    if (is_element(p, localname, NAME_RPH)) {
        c->phonetic_depth--;
    } else if (c->in_t && is_element(p, localname, NAME_T)) {
        c->in_t = 0;
        tb_xml_cell *r = &c->record;
        if (!c->preserve && r->inline_length > c->t_start) {
            /* Trim this <t>'s text (the value's tail) of XML white space, in place. */
            tb_xml_batch *b = p->out;
            char *value = b->arena + r->inline_offset;
            size_t start = c->t_start, end = r->inline_length, first = start;
            int at_end = (size_t)r->inline_offset + r->inline_length + 1 == b->arena_length;
            while (first < end && tb_is_xml_space(value[first])) first++;
            while (end > first && tb_is_xml_space(value[end - 1])) end--;
            memmove(value + start, value + first, end - first);
            r->inline_length = (uint32_t)(start + (end - first));
            value[r->inline_length] = 0;
            if (at_end) b->arena_length = (size_t)r->inline_offset + r->inline_length + 1;
            if (r->inline_length == 0) {
                if (at_end) b->arena_length = r->inline_offset;
                r->inline_offset = 0;
            }
        }
    }
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes) {
    (void)prefix; (void)nb_namespaces; (void)namespaces; (void)nb_defaulted;
    tb_xml_parser *p = (tb_xml_parser *)ctx;
    if (p->error_code) return;
    p->open_text_length = 0;
    if (++p->depth > p->max_depth) {
        fail(p, TB_XML_ERR_DEPTH, "element nesting too deep", current_line(p));
        return;
    }
    if (p->cell_mode) {
        if (p->cell.depth) {
            cell_start(p, localname, nb_attributes, attributes);
            return;
        }
        if (p->in_sheet_data && is_element(p, localname, NAME_C)) {
            open_cell(p, nb_attributes, attributes);
            return;
        }
        if (is_element(p, localname, NAME_SHEET_DATA)) p->in_sheet_data = 1;
    }
    if (!grow((void **)&p->out->attrs, &p->out->attr_capacity, p->out->attr_count + (size_t)nb_attributes,
              sizeof(tb_xml_attr))) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return;
    }
    uint32_t first = (uint32_t)p->out->attr_count;
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **a = attributes + 5 * i;
        size_t length = (size_t)(a[4] - a[3]);
        if (length > p->max_text) {
            fail(p, TB_XML_ERR_LENGTH, "attribute value too long", current_line(p));
            return;
        }
        uint32_t offset = arena_append(p, (const char *)a[3], length);
        if (offset == UINT32_MAX) return;
        tb_xml_attr *attr = &p->out->attrs[p->out->attr_count++];
        attr->local_name = (const char *)a[0];
        attr->ns_uri = (const char *)a[2];
        attr->value_offset = offset;
        attr->value_length = (uint32_t)length;
    }
    tb_xml_event *e = push_event(p);
    if (!e) return;
    e->kind = TB_XML_START;
    e->depth = (int32_t)p->depth;
    e->local_name = (const char *)localname;
    e->ns_uri = (const char *)uri;
    e->attr_first = first;
    e->attr_count = (uint32_t)nb_attributes;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri) {
    (void)prefix;
    tb_xml_parser *p = (tb_xml_parser *)ctx;
    if (p->error_code) return;
    p->open_text_length = 0;
    if (p->cell.depth) {
        if (p->depth == p->cell.depth) close_cell(p);
        else cell_end(p, localname);
        if (p->depth > 0) p->depth--;
        return;
    }
    if (p->cell_mode && is_element(p, localname, NAME_SHEET_DATA)) p->in_sheet_data = 0;
    tb_xml_event *e = push_event(p);
    if (!e) return;
    e->kind = TB_XML_END;
    e->depth = (int32_t)p->depth;
    e->local_name = (const char *)localname;
    e->ns_uri = (const char *)uri;
    if (p->depth > 0) p->depth--;
}

static void on_text(void *ctx, const xmlChar *bytes, int length) {
    tb_xml_parser *p = (tb_xml_parser *)ctx;
    if (p->error_code || length <= 0) return;
    p->open_text_length += (size_t)length;
    if (p->open_text_length > p->max_text) {
        fail(p, TB_XML_ERR_LENGTH, "text node too long", current_line(p));
        return;
    }
    if (p->cell.depth) {
        tb_open_cell *c = &p->cell;
        int child = c->child;
        tb_xml_cell *r = &c->record;
        if (child == CHILD_VALUE)
            slot_append(p, &r->value_offset, &r->value_length, (const char *)bytes, (size_t)length);
        else if (child == CHILD_FORMULA)
            slot_append(p, &r->formula_offset, &r->formula_length, (const char *)bytes, (size_t)length);
        else if (child == CHILD_INLINE && c->in_t && c->phonetic_depth == 0)
            slot_append(p, &r->inline_offset, &r->inline_length, (const char *)bytes, (size_t)length);
        return;
    }
    if (p->out->event_count > 0) {
        tb_xml_event *last = &p->out->events[p->out->event_count - 1];
        if (last->kind == TB_XML_TEXT &&
            (size_t)last->text_offset + last->text_length + 1 == p->out->arena_length) {
            /* Continue the previous piece in place: drop its NUL, append, terminate again. */
            p->out->arena_length--;
            if (arena_append(p, (const char *)bytes, (size_t)length) == UINT32_MAX) return;
            last->text_length += (uint32_t)length;
            return;
        }
    }
    uint32_t offset = arena_append(p, (const char *)bytes, (size_t)length);
    if (offset == UINT32_MAX) return;
    tb_xml_event *e = push_event(p);
    if (!e) return;
    e->kind = TB_XML_TEXT;
    e->depth = (int32_t)p->depth;
    e->text_offset = offset;
    e->text_length = (uint32_t)length;
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                               const xmlChar *system_id) {
    (void)name; (void)external_id; (void)system_id;
    tb_xml_parser *p = (tb_xml_parser *)ctx;
    fail(p, TB_XML_ERR_DTD, "document type declaration (DOCTYPE) is not allowed", current_line(p));
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content) {
    (void)name; (void)type; (void)public_id; (void)system_id; (void)content;
    tb_xml_parser *p = (tb_xml_parser *)ctx;
    fail(p, TB_XML_ERR_DTD, "entity declarations are not allowed", current_line(p));
}

/* Only predefined entities (&amp; &lt; ...) are known; the parser resolves those itself. */
static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name) {
    (void)ctx;
    return xmlGetPredefinedEntity(name);
}

static xmlParserInputPtr on_resolve_entity(void *ctx, const xmlChar *public_id,
                                           const xmlChar *system_id) {
    (void)public_id; (void)system_id;
    tb_xml_parser *p = (tb_xml_parser *)ctx;
    fail(p, TB_XML_ERR_DTD, "external entities are not allowed", current_line(p));
    return NULL;
}

/* libxml2 2.12 made the structured-error callback take a const error (xmlStructuredErrorFunc);
 * earlier versions pass a mutable xmlErrorPtr. The signature follows the headers compiled against. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *tb_error_ptr;
#else
typedef xmlErrorPtr tb_error_ptr;
#endif

static void on_error(void *ctx, tb_error_ptr error) {
    tb_xml_parser *p = (tb_xml_parser *)ctx;
    if (!error || error->level < XML_ERR_ERROR) return;
    fail(p, TB_XML_ERR_SYNTAX, error->message, error->line);
}

/* libxml2 reports some errors (encoding, I/O) through its generic error function, which prints
 * to stderr; they reach us through the parser's result anyway, so the printing is silenced. */
static void silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }

static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

static void init_libxml(void) { xmlInitParser(); }

tb_xml_parser *tb_xml_parser_new(uint32_t max_depth, uint32_t max_text_bytes) {
    /* libxml2 2.9 wants its global state set up once, before parsers run on several threads. */
    pthread_once(&libxml_once, init_libxml);
    xmlSetGenericErrorFunc(NULL, silent);
    tb_xml_parser *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->max_depth = max_depth;
    p->max_text = max_text_bytes;
    p->out = p->view = &p->ring[0];
    p->lift_cells = 1;
    tb_cell_filter_init(&p->filter, 0, 0);

    xmlSAXHandler handler;
    memset(&handler, 0, sizeof handler);
    handler.initialized = XML_SAX2_MAGIC;
    handler.startElementNs = on_start;
    handler.endElementNs = on_end;
    handler.characters = on_text;
    handler.ignorableWhitespace = on_text;
    handler.cdataBlock = on_text;
    handler.internalSubset = on_internal_subset;
    handler.externalSubset = on_internal_subset;
    handler.entityDecl = on_entity_decl;
    handler.getEntity = on_get_entity;
    handler.getParameterEntity = on_get_entity;
    handler.resolveEntity = on_resolve_entity;
    handler.serror = on_error;

    p->ctxt = xmlCreatePushParserCtxt(&handler, p, NULL, 0, NULL);
    if (!p->ctxt) {
        free(p);
        return NULL;
    }
    xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    for (int i = 0; i < NAME_COUNT; i++)
        p->names[i] = p->ctxt->dict ? xmlDictLookup(p->ctxt->dict, (const xmlChar *)element_names[i], -1) : NULL;
    return p;
}

static void stop_pipeline(tb_xml_parser *p);

void tb_xml_parser_free(tb_xml_parser *p) {
    if (!p) return;
    stop_pipeline(p);
    if (p->ctxt) {
        if (p->ctxt->myDoc) xmlFreeDoc(p->ctxt->myDoc);
        xmlFreeParserCtxt(p->ctxt);
    }
    for (int i = 0; i < TB_XML_RING; i++) {
        tb_xml_batch *b = &p->ring[i];
        free(b->events);
        free(b->cells);
        free(b->attrs);
        free(b->arena);
    }
    free(p->cell.carry.bytes);
    tb_cell_filter_free(&p->filter);
    free(p);
}

/* Parses `length` bytes (the last ones of the part with `terminate`). */
static int parse(tb_xml_parser *p, const char *bytes, size_t length, int terminate) {
    while (length > 0 || terminate) {
        int piece = length > (1u << 30) ? (1 << 30) : (int)length;
        int last = terminate && (size_t)piece == length;
        int rc = xmlParseChunk(p->ctxt, bytes, piece, last);
        if (p->error_code) return p->error_code;
        if (rc != 0 || (last && !p->ctxt->wellFormed)) {
            const xmlError *e = xmlCtxtGetLastError(p->ctxt);
            fail(p, TB_XML_ERR_SYNTAX, e && e->message ? e->message : "malformed XML",
                 e ? e->line : current_line(p));
            return p->error_code;
        }
        bytes += piece;
        length -= (size_t)piece;
        if (last) break;
    }
    return TB_XML_OK;
}

/* libxml2 has parsed every byte before a lifted cell and stands in its row's content, where
 * the cell's event belongs: the cell's own bytes may then be skipped. (libxml2's push parser
 * parses all complete markup it is given; should a version hold some back, the cell is parsed
 * as any other.) */
static int caught_up(const tb_xml_parser *p, const tb_lifted_cell *c) {
    const xmlParserCtxtPtr ctxt = p->ctxt;
    return !p->error_code && p->cell_mode && p->in_sheet_data && p->cell.depth == 0 && p->depth == c->depth &&
        ctxt->instate == XML_PARSER_CONTENT && ctxt->inputNr == 1 && ctxt->input &&
        ctxt->input->cur == ctxt->input->end;
}

/* Emits a lifted cell's event and record, as on_start, on_text and on_end would have for its
 * bytes (`cell`). Returns 1, 0 when libxml2 must parse it after all (it would pass a limit:
 * then libxml2 reports it), or -1 on failure. */
static int emit_lifted_cell(tb_xml_parser *p, const char *cell, const tb_lifted_cell *c) {
    uint32_t children = (c->has_formula || c->has_value) ? 1 : 0;
    if (p->depth + 1 + children > p->max_depth || c->longest_attribute > p->max_text || c->f_length > p->max_text ||
        c->v_length > p->max_text)
        return 0;
    tb_xml_batch *b = p->out;
    if (!grow((void **)&b->arena, &b->arena_capacity,
              b->arena_length + c->t_length + c->f_length + c->v_length + 3, 1) ||
        !grow((void **)&b->cells, &b->cell_capacity, b->cell_count + 1, sizeof(tb_xml_cell))) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return -1;
    }
    tb_xml_cell *r = &b->cells[b->cell_count];
    memset(r, 0, sizeof *r);
    r->r_length = r->t_length = r->si_length = TB_XML_ABSENT;
    r->row = c->row;
    r->column = c->column;
    r->style = c->style;
    if (c->has_t) slot_append(p, &r->t_offset, &r->t_length, cell + c->t_at, c->t_length);
    if (c->has_formula) {
        r->has_formula = 1;
        if (c->f_length > 0) slot_append(p, &r->formula_offset, &r->formula_length, cell + c->f_at, c->f_length);
    }
    if (c->has_value) {
        r->has_value = 1;
        if (c->v_length > 0) slot_append(p, &r->value_offset, &r->value_length, cell + c->v_at, c->v_length);
    }
    tb_xml_event *e = push_event(p);
    if (!e) return -1;
    e->kind = TB_XML_CELL;
    e->depth = (int32_t)p->depth + 1;
    e->attr_first = (uint32_t)b->cell_count++;
    p->open_text_length = 0;
    p->lifted_cells++;
    return 1;
}

int tb_xml_feed(tb_xml_parser *p, const char *bytes, size_t length, int terminate) {
    if (p->error_code) return p->error_code;
    const tb_lifted_cell *lifted = NULL;
    size_t lifted_count = 0;
    if (!tb_cell_filter_passes_all(&p->filter)) {
        if (tb_cell_filter_run(&p->filter, bytes, length, terminate) != 0) {
            fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
            return p->error_code;
        }
        bytes = p->filter.out.bytes;
        length = p->filter.out.length;
        lifted = p->filter.lifted;
        lifted_count = p->filter.lifted_count;
    }
    if (p->cell.depth) {
        carry_in(p);
        if (p->error_code) return p->error_code;
    }
    /* The bytes between lifted cells go to libxml2; each lifted cell is emitted in its place. */
    size_t at = 0;
    for (size_t i = 0; i < lifted_count; i++) {
        const tb_lifted_cell *c = &lifted[i];
        if (c->at > at) {
            int rc = parse(p, bytes + at, c->at - at, 0);
            if (rc != TB_XML_OK) return rc;
            at = c->at;
        }
        int emitted = caught_up(p, c) ? emit_lifted_cell(p, bytes + c->at, c) : 0;
        if (emitted < 0) return p->error_code;
        if (emitted) at = c->at + c->length;
    }
    int rc = parse(p, bytes + at, length - at, terminate);
    if (rc != TB_XML_OK) return rc;
    if (p->cell.depth) {
        carry_out(p);
        if (p->error_code) return p->error_code;
    }
    return TB_XML_OK;
}

size_t tb_xml_event_count(const tb_xml_parser *p) { return p->view->event_count; }
const tb_xml_event *tb_xml_events(const tb_xml_parser *p) { return p->view->events; }
const tb_xml_attr *tb_xml_attrs(const tb_xml_parser *p) { return p->view->attrs; }
const char *tb_xml_arena(const tb_xml_parser *p) { return p->view->arena ? p->view->arena : ""; }
const tb_xml_cell *tb_xml_cells(const tb_xml_parser *p) { return p->view->cells; }

/* The filter as the cell-mode settings say (they are made before the first feed). */
static void configure_filter(tb_xml_parser *p) {
    tb_cell_filter_free(&p->filter);
    tb_cell_filter_init(&p->filter, p->cell_mode ? p->column_limit : 0, p->cell_mode && p->lift_cells);
}

void tb_xml_set_cell_mode(tb_xml_parser *p, int on) {
    p->cell_mode = on;
    configure_filter(p);
}

void tb_xml_set_column_limit(tb_xml_parser *p, int32_t columns) {
    p->column_limit = columns;
    configure_filter(p);
}

void tb_xml_set_cell_lifting(tb_xml_parser *p, int on) {
    p->lift_cells = on;
    configure_filter(p);
}

uint64_t tb_xml_lifted_cell_count(const tb_xml_parser *p) { return p->lifted_cells; }

static void clear_batch(tb_xml_batch *b) {
    b->event_count = 0;
    b->cell_count = 0;
    b->attr_count = 0;
    b->arena_length = 0;
    memset(&b->info, 0, sizeof b->info);
}

void tb_xml_clear(tb_xml_parser *p) { clear_batch(p->out); }

int tb_xml_error_code(const tb_xml_parser *p) { return p->error_code; }
const char *tb_xml_error_message(const tb_xml_parser *p) { return p->error_message; }
int tb_xml_error_line(const tb_xml_parser *p) { return p->error_line; }

/* ---- Reading ahead on a second thread ----------------------------------------------------
 *
 * The producer thread reads a chunk from the source, feeds it into the next free batch of the
 * ring and publishes the batch; the reader takes published batches in order and holds the one
 * it reads until its next call of tb_xml_next_batch (see tb_handoff.h). */
struct tb_xml_pipeline {
    pthread_t thread;
    tb_xml_source source;
    void *context;
    size_t chunk_size;
    tb_handoff handoff;
    int holding;  /* the reader holds `view` (a batch of the ring) */
};

static void *produce(void *argument) {
    tb_xml_parser *p = (tb_xml_parser *)argument;
    tb_xml_pipeline *q = p->pipeline;
    xmlSetGenericErrorFunc(NULL, silent);  /* per thread in libxml2 */
    char *chunk = malloc(q->chunk_size);
    long slot;
    while ((slot = tb_handoff_claim(&q->handoff)) >= 0) {
        tb_xml_batch *b = &p->ring[slot];
        p->out = b;
        clear_batch(b);
        if (!chunk) {
            fail(p, TB_XML_ERR_MEMORY, "out of memory", 0);
            b->info.status = TB_XML_ERR_MEMORY;
            b->info.last = 1;
        } else {
            int64_t n = q->source(q->context, chunk, q->chunk_size);
            if (n < 0) {
                b->info.source_failed = 1;
                b->info.last = 1;
            } else {
                b->info.input_bytes = (uint64_t)n;
                b->info.status = tb_xml_feed(p, chunk, (size_t)n, n == 0);
                b->info.last = n == 0 || b->info.status != TB_XML_OK;
            }
        }
        int last = b->info.last;
        tb_handoff_publish(&q->handoff);
        if (last) break;
    }
    free(chunk);
    return NULL;
}

int tb_xml_start_pipeline(tb_xml_parser *p, tb_xml_source source, void *context, size_t chunk_size) {
    if (p->pipeline || !source || chunk_size == 0) return TB_XML_ERR_MEMORY;
    tb_xml_pipeline *q = calloc(1, sizeof *q);
    if (!q) return TB_XML_ERR_MEMORY;
    q->source = source;
    q->context = context;
    q->chunk_size = chunk_size;
    tb_handoff_init(&q->handoff, TB_XML_RING);
    p->pipeline = q;
    if (pthread_create(&q->thread, NULL, produce, p) != 0) {
        tb_handoff_destroy(&q->handoff);
        free(q);
        p->pipeline = NULL;
        return TB_XML_ERR_MEMORY;
    }
    return TB_XML_OK;
}

int tb_xml_next_batch(tb_xml_parser *p, tb_xml_batch_info *info) {
    tb_xml_pipeline *q = p->pipeline;
    if (!q) return 0;
    if (q->holding) {
        if (p->view->info.last) return 0;
        tb_handoff_release(&q->handoff);
    }
    p->view = &p->ring[tb_handoff_next(&q->handoff)];
    q->holding = 1;
    if (info) *info = p->view->info;
    return 1;
}

static void stop_pipeline(tb_xml_parser *p) {
    tb_xml_pipeline *q = p->pipeline;
    if (!q) return;
    tb_handoff_cancel(&q->handoff);
    pthread_join(q->thread, NULL);
    tb_handoff_destroy(&q->handoff);
    free(q);
    p->pipeline = NULL;
    p->view = p->out;
}
