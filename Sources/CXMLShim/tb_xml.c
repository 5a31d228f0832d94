#include "tb_xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer (the current cell's pieces). */
typedef struct {
    char *bytes;
    size_t length;
    size_t capacity;
} tb_bytes;

/* The <c> element being read in cell mode. */
typedef struct {
    uint32_t depth;         /* depth of the <c>; 0 when no cell is open */
    int child;              /* the direct child being read: CHILD_* */
    int phonetic_depth;     /* inside <is>: open <rPh> elements */
    int in_t;               /* inside <is>: inside a <t> */
    int preserve;           /* that <t> said xml:space="preserve" */
    size_t t_start;         /* where that <t>'s text starts in text[CHILD_INLINE] */
    tb_bytes attrs;         /* r (when not a reference), t and si values, back to back */
    const xmlChar *r_value, *t_value;
    uint32_t r_length, t_length, si_length;
    uint32_t si_start;
    tb_bytes text[4];       /* indexed by CHILD_VALUE, CHILD_FORMULA, CHILD_INLINE */
    tb_xml_cell record;
} tb_open_cell;

enum { CHILD_NONE = 0, CHILD_VALUE = 1, CHILD_FORMULA = 2, CHILD_INLINE = 3, CHILD_SKIP = 4 };

struct tb_xml_parser {
    xmlParserCtxtPtr ctxt;
    int cell_mode;
    int in_sheet_data;
    tb_open_cell cell;
    tb_xml_cell *cells;
    size_t cell_count;
    size_t cell_capacity;
    uint32_t max_depth;
    uint32_t max_text;
    uint32_t depth;

    tb_xml_event *events;
    size_t event_count;
    size_t event_capacity;

    tb_xml_attr *attrs;
    size_t attr_count;
    size_t attr_capacity;

    char *arena;
    size_t arena_length;
    size_t arena_capacity;

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
    if (!grow((void **)&p->events, &p->event_capacity, p->event_count + 1, sizeof(tb_xml_event))) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return NULL;
    }
    tb_xml_event *e = &p->events[p->event_count++];
    memset(e, 0, sizeof *e);
    return e;
}

/* Appends bytes and a terminating NUL to the arena; returns the offset of the bytes, or
 * UINT32_MAX on failure. Every value in the arena is therefore NUL-terminated. */
static uint32_t arena_append(tb_xml_parser *p, const char *bytes, size_t length) {
    if (p->arena_length + length + 1 >= UINT32_MAX) {
        fail(p, TB_XML_ERR_MEMORY, "event arena overflow", current_line(p));
        return UINT32_MAX;
    }
    if (!grow((void **)&p->arena, &p->arena_capacity, p->arena_length + length + 1, 1)) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return UINT32_MAX;
    }
    uint32_t offset = (uint32_t)p->arena_length;
    memcpy(p->arena + p->arena_length, bytes, length);
    p->arena_length += length;
    p->arena[p->arena_length++] = 0;
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

static int is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static inline int named(const xmlChar *name, const char *want) {
    return name[0] == (xmlChar)want[0] && strcmp((const char *)name, want) == 0;
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

/* Copies an attribute of the open cell into its attribute buffer; returns its length or
 * TB_XML_ABSENT. */
static uint32_t keep_attribute(tb_xml_parser *p, int nb_attributes, const xmlChar **attributes, const char *want) {
    size_t length;
    const xmlChar *value = attribute(nb_attributes, attributes, want, &length);
    if (!value) return TB_XML_ABSENT;
    if (length > p->max_text) {
        fail(p, TB_XML_ERR_LENGTH, "attribute value too long", current_line(p));
        return TB_XML_ABSENT;
    }
    if (!bytes_append(p, &p->cell.attrs, (const char *)value, length)) return TB_XML_ABSENT;
    return (uint32_t)length;
}

/* An A1-style reference (`D7`, `$D$7`, lower-case letters allowed) inside Excel's grid
 * (1..1048576 rows, 1..16384 columns): the same rule as the reader's CellReference.parse. */
static int parse_reference(const xmlChar *v, size_t n, int32_t *row_out, int32_t *column_out) {
    size_t i = 0;
    if (i < n && v[i] == '$') i++;
    int32_t column = 0;
    size_t start = i;
    while (i < n) {
        xmlChar b = v[i];
        if (b >= 'a' && b <= 'z') b -= 32;
        if (b < 'A' || b > 'Z') break;
        column = column * 26 + (b - 'A' + 1);
        if (column > 16384) return 0;
        i++;
    }
    if (i == start) return 0;
    if (i < n && v[i] == '$') i++;
    int32_t row = 0;
    start = i;
    while (i < n) {
        xmlChar b = v[i];
        if (b < '0' || b > '9') return 0;
        row = row * 10 + (b - '0');
        if (row > 1048576) return 0;
        i++;
    }
    if (i == start || row < 1) return 0;
    *row_out = row;
    *column_out = column;
    return 1;
}

static void open_cell(tb_xml_parser *p, int nb_attributes, const xmlChar **attributes) {
    tb_open_cell *c = &p->cell;
    c->depth = p->depth;
    c->child = CHILD_NONE;
    c->phonetic_depth = 0;
    c->in_t = 0;
    c->attrs.length = 0;
    for (int i = 0; i < 4; i++) c->text[i].length = 0;
    memset(&c->record, 0, sizeof c->record);
    c->si_length = TB_XML_ABSENT;
    /* One pass over the attributes: r and s are decoded here, t is kept for the reader. */
    tb_xml_cell *r = &c->record;
    c->r_length = TB_XML_ABSENT;
    c->t_length = TB_XML_ABSENT;
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
            if (!parse_reference(v, n, &r->row, &r->column)) {
                r->row = r->column = -1;
                c->r_length = (uint32_t)n;  /* kept for the message */
                c->r_value = v;
            } else {
                c->r_length = TB_XML_ABSENT;
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
            c->t_length = (uint32_t)n;
            c->t_value = v;
            break;
        default:
            break;
        }
    }
    /* r (when not a reference) and t are kept, in that order, for close_cell. */
    if (c->r_length != TB_XML_ABSENT && !bytes_append(p, &c->attrs, (const char *)c->r_value, c->r_length)) return;
    if (c->t_length != TB_XML_ABSENT && !bytes_append(p, &c->attrs, (const char *)c->t_value, c->t_length)) return;
}

/* A start tag inside the open cell. */
static void cell_start(tb_xml_parser *p, const xmlChar *localname, int nb_attributes, const xmlChar **attributes) {
    tb_open_cell *c = &p->cell;
    if (p->depth == c->depth + 1) {
        if (named(localname, "v")) {
            c->child = CHILD_VALUE;
            c->record.has_value = 1;
        } else if (named(localname, "f")) {
            c->child = CHILD_FORMULA;
            c->record.has_formula = 1;
            size_t length;
            const xmlChar *t = attribute(nb_attributes, attributes, "t", &length);
            int shared = t && length == 6 && memcmp(t, "shared", 6) == 0;
            c->record.data_table = t && length == 9 && memcmp(t, "dataTable", 9) == 0;
            if (shared) {
                c->record.shared = 1;
                c->record.shared_master = attribute(nb_attributes, attributes, "ref", &length) != NULL;
                c->si_start = (uint32_t)c->attrs.length;
                c->si_length = keep_attribute(p, nb_attributes, attributes, "si");
            }
        } else if (named(localname, "is")) {
            c->child = CHILD_INLINE;
            c->record.has_inline = 1;
        } else {
            c->child = CHILD_SKIP;
        }
        return;
    }
    if (c->child != CHILD_INLINE) return;
    if (named(localname, "rPh")) {
        c->phonetic_depth++;
    } else if (c->phonetic_depth == 0 && named(localname, "t")) {
        size_t length;
        const xmlChar *space = attribute(nb_attributes, attributes, "space", &length);
        c->in_t = 1;
        c->t_start = c->text[CHILD_INLINE].length;
        c->preserve = space && length == 8 && memcmp(space, "preserve", 8) == 0;
    }
}

/* Copies one value of the finished cell into the arena (room reserved by close_cell) and sets
 * its offset and length: TB_XML_ABSENT stays absent, an empty value takes no bytes (offset 0),
 * anything else is NUL-terminated. */
static inline void keep_bytes(tb_xml_parser *p, uint32_t *offset, uint32_t *length, const char *base, size_t at,
                              uint32_t n) {
    *offset = 0;
    *length = n;
    if (n == TB_XML_ABSENT || n == 0) return;
    *offset = (uint32_t)p->arena_length;
    memcpy(p->arena + p->arena_length, base + at, n);
    p->arena_length += n;
    p->arena[p->arena_length++] = 0;
}

/* Moves the finished cell into the arena and the cell records, and emits its event. */
static void close_cell(tb_xml_parser *p) {
    tb_open_cell *c = &p->cell;
    tb_xml_cell *r = &c->record;
    if (p->error_code) return;
    /* Everything the record points at (r, t and si are in the attribute buffer), copied with
     * one reservation of the arena, a NUL after each of the six values. */
    size_t total = c->attrs.length + c->text[CHILD_VALUE].length + c->text[CHILD_FORMULA].length +
                   c->text[CHILD_INLINE].length + 6;
    if (p->arena_length + total >= UINT32_MAX) {
        fail(p, TB_XML_ERR_MEMORY, "event arena overflow", current_line(p));
        return;
    }
    if (!grow((void **)&p->arena, &p->arena_capacity, p->arena_length + total, 1)) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return;
    }
    /* r (when kept) and t sit at the start of the attribute buffer, in that order. */
    const char *attrs = c->attrs.bytes;
    size_t t_at = c->r_length == TB_XML_ABSENT ? 0 : c->r_length;
    keep_bytes(p, &r->r_offset, &r->r_length, attrs, 0, c->r_length);
    keep_bytes(p, &r->t_offset, &r->t_length, attrs, t_at, c->t_length);
    keep_bytes(p, &r->si_offset, &r->si_length, attrs, c->si_start, c->si_length);
    const tb_bytes *text = c->text;
    keep_bytes(p, &r->value_offset, &r->value_length, text[CHILD_VALUE].bytes, 0, (uint32_t)text[CHILD_VALUE].length);
    keep_bytes(p, &r->formula_offset, &r->formula_length, text[CHILD_FORMULA].bytes, 0, (uint32_t)text[CHILD_FORMULA].length);
    keep_bytes(p, &r->inline_offset, &r->inline_length, text[CHILD_INLINE].bytes, 0, (uint32_t)text[CHILD_INLINE].length);
    if (!grow((void **)&p->cells, &p->cell_capacity, p->cell_count + 1, sizeof(tb_xml_cell))) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return;
    }
    p->cells[p->cell_count] = *r;
    tb_xml_event *e = push_event(p);
    if (!e) return;
    e->kind = TB_XML_CELL;
    e->depth = (int32_t)c->depth;
    e->attr_first = (uint32_t)p->cell_count++;
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
    if (named(localname, "rPh")) {
        c->phonetic_depth--;
    } else if (c->in_t && named(localname, "t")) {
        c->in_t = 0;
        if (!c->preserve) {
            tb_bytes *b = &c->text[CHILD_INLINE];
            size_t start = c->t_start, end = b->length;
            size_t first = start;
            while (first < end && is_xml_space(b->bytes[first])) first++;
            while (end > first && is_xml_space(b->bytes[end - 1])) end--;
            memmove(b->bytes + start, b->bytes + first, end - first);
            b->length = start + (end - first);
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
        if (p->in_sheet_data && named(localname, "c")) {
            open_cell(p, nb_attributes, attributes);
            return;
        }
        if (named(localname, "sheetData")) p->in_sheet_data = 1;
    }
    if (!grow((void **)&p->attrs, &p->attr_capacity, p->attr_count + (size_t)nb_attributes,
              sizeof(tb_xml_attr))) {
        fail(p, TB_XML_ERR_MEMORY, "out of memory", current_line(p));
        return;
    }
    uint32_t first = (uint32_t)p->attr_count;
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **a = attributes + 5 * i;
        size_t length = (size_t)(a[4] - a[3]);
        if (length > p->max_text) {
            fail(p, TB_XML_ERR_LENGTH, "attribute value too long", current_line(p));
            return;
        }
        uint32_t offset = arena_append(p, (const char *)a[3], length);
        if (offset == UINT32_MAX) return;
        tb_xml_attr *attr = &p->attrs[p->attr_count++];
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
    if (p->cell_mode && named(localname, "sheetData")) p->in_sheet_data = 0;
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
        if (child == CHILD_VALUE || child == CHILD_FORMULA ||
            (child == CHILD_INLINE && c->in_t && c->phonetic_depth == 0))
            bytes_append(p, &c->text[child], (const char *)bytes, (size_t)length);
        return;
    }
    if (p->event_count > 0) {
        tb_xml_event *last = &p->events[p->event_count - 1];
        if (last->kind == TB_XML_TEXT &&
            (size_t)last->text_offset + last->text_length + 1 == p->arena_length) {
            /* Continue the previous piece in place: drop its NUL, append, terminate again. */
            p->arena_length--;
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

static void on_error(void *ctx, xmlErrorPtr error) {
    tb_xml_parser *p = (tb_xml_parser *)ctx;
    if (!error || error->level < XML_ERR_ERROR) return;
    fail(p, TB_XML_ERR_SYNTAX, error->message, error->line);
}

/* libxml2 reports some errors (encoding, I/O) through its generic error function, which prints
 * to stderr; they reach us through the parser's result anyway, so the printing is silenced. */
static void silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }

tb_xml_parser *tb_xml_parser_new(uint32_t max_depth, uint32_t max_text_bytes) {
    xmlSetGenericErrorFunc(NULL, silent);
    tb_xml_parser *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->max_depth = max_depth;
    p->max_text = max_text_bytes;

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
    return p;
}

void tb_xml_parser_free(tb_xml_parser *p) {
    if (!p) return;
    if (p->ctxt) {
        if (p->ctxt->myDoc) xmlFreeDoc(p->ctxt->myDoc);
        xmlFreeParserCtxt(p->ctxt);
    }
    free(p->events);
    free(p->cells);
    free(p->cell.attrs.bytes);
    for (int i = 0; i < 4; i++) free(p->cell.text[i].bytes);
    free(p->attrs);
    free(p->arena);
    free(p);
}

int tb_xml_feed(tb_xml_parser *p, const char *bytes, size_t length, int terminate) {
    if (p->error_code) return p->error_code;
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

size_t tb_xml_event_count(const tb_xml_parser *p) { return p->event_count; }
const tb_xml_event *tb_xml_events(const tb_xml_parser *p) { return p->events; }
const tb_xml_attr *tb_xml_attrs(const tb_xml_parser *p) { return p->attrs; }
const char *tb_xml_arena(const tb_xml_parser *p) { return p->arena ? p->arena : ""; }

const tb_xml_cell *tb_xml_cells(const tb_xml_parser *p) { return p->cells; }

void tb_xml_set_cell_mode(tb_xml_parser *p, int on) { p->cell_mode = on; }

void tb_xml_clear(tb_xml_parser *p) {
    p->event_count = 0;
    p->cell_count = 0;
    p->attr_count = 0;
    p->arena_length = 0;
}

int tb_xml_error_code(const tb_xml_parser *p) { return p->error_code; }
const char *tb_xml_error_message(const tb_xml_parser *p) { return p->error_message; }
int tb_xml_error_line(const tb_xml_parser *p) { return p->error_line; }
