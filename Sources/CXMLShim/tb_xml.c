#include "tb_xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <stdlib.h>
#include <string.h>

struct tb_xml_parser {
    xmlParserCtxtPtr ctxt;
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

void tb_xml_clear(tb_xml_parser *p) {
    p->event_count = 0;
    p->attr_count = 0;
    p->arena_length = 0;
}

int tb_xml_error_code(const tb_xml_parser *p) { return p->error_code; }
const char *tb_xml_error_message(const tb_xml_parser *p) { return p->error_message; }
int tb_xml_error_line(const tb_xml_parser *p) { return p->error_line; }
