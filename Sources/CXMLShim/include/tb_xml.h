/*
 * tb_xml: a small pull-style XML event stream over libxml2's SAX2 push parser.
 *
 * The public header exposes only opaque handles, plain structs and plain functions: libxml2's
 * own headers (and the ICU headers they include) stay inside tb_xml.c, so Swift modules that
 * import this one may also import Foundation.
 *
 * In cell mode, plain cells (tb_xml_set_cell_lifting) are decoded by a byte-level filter and
 * never reach libxml2; their events are the ones libxml2's would have been.
 *
 * Usage, on one thread: feed the parser chunks of bytes; after each feed, the events it produced
 * are readable through tb_xml_events() until tb_xml_clear() is called. Or, reading ahead: hand
 * the parser a source (tb_xml_start_pipeline) and take batches of events with
 * tb_xml_next_batch(); a thread of the parser's own parses a few batches ahead. Element names
 * are libxml2 dictionary strings (stable for the life of the parser); text and attribute values
 * live in an arena that belongs to the current batch. Every text and attribute value is
 * followed by a NUL byte.
 *
 * Safety: a document type declaration (<!DOCTYPE ...>) or any entity declaration stops the
 * parser with TB_XML_ERR_DTD (no OOXML part has one; refusing them rules out XXE and
 * entity-expansion attacks). The network is never used. Nesting depth and the length of one
 * text node or attribute value are bounded by the limits given at creation.
 */
#ifndef TB_XML_H
#define TB_XML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tb_xml_parser tb_xml_parser;

enum {
    TB_XML_START = 1,  /* start tag; attributes in [attr_first, attr_first + attr_count) */
    TB_XML_END = 2,    /* end tag (also emitted for empty elements) */
    TB_XML_TEXT = 3,   /* character data or CDATA; adjacent pieces are coalesced */
    TB_XML_CELL = 4    /* cell mode: one whole <c> element inside <sheetData>; attr_first is the
                          index of its record in tb_xml_cells(), depth the depth of the <c> */
};

enum {
    TB_XML_OK = 0,
    TB_XML_ERR_SYNTAX = 1,  /* not well-formed; see tb_xml_error_message */
    TB_XML_ERR_DTD = 2,     /* DOCTYPE or entity declaration refused */
    TB_XML_ERR_DEPTH = 3,   /* nesting deeper than max_depth */
    TB_XML_ERR_LENGTH = 4,  /* a text node or attribute value longer than max_text_bytes */
    TB_XML_ERR_MEMORY = 5   /* allocation failed */
};

typedef struct {
    int32_t kind;
    int32_t depth;          /* 1 for the root element */
    const char *local_name; /* START and END: the element's local name (no prefix) */
    const char *ns_uri;     /* START and END: namespace URI, or NULL */
    uint32_t attr_first;
    uint32_t attr_count;
    uint32_t text_offset;   /* TEXT: offset of the bytes in the arena */
    uint32_t text_length;
} tb_xml_event;

typedef struct {
    const char *local_name;
    const char *ns_uri;     /* NULL for unprefixed attributes */
    uint32_t value_offset;  /* in the arena */
    uint32_t value_length;
} tb_xml_attr;

/** Absent value in tb_xml_cell. */
#define TB_XML_ABSENT UINT32_MAX

/**
 * One worksheet cell, decoded in C (cell mode) so that reading a sheet costs one event per
 * cell instead of one per tag and text. Values are raw bytes in the arena (NUL-terminated);
 * a length of TB_XML_ABSENT means the attribute is absent. Only the direct children <v>, <f>
 * and <is> of the <c> are read; any other child is skipped with its content.
 */
typedef struct {
    int32_t row, column;                    /* attribute r (A1 style, `$` allowed) decoded: 0, 0
                                               when absent; -1, -1 when it is not a reference
                                               inside Excel's grid (then r_offset/r_length
                                               hold the raw value) */
    uint32_t r_offset, r_length;
    int32_t style;                          /* attribute s: its leading digits (0 when absent,
                                               -1 above INT32_MAX) */
    uint32_t t_offset, t_length;            /* attribute t */
    uint32_t value_offset, value_length;    /* text of the <v> children, concatenated */
    uint32_t formula_offset, formula_length;/* text of the <f> children, concatenated */
    uint32_t inline_offset, inline_length;  /* text of <is>: the <t> runs outside <rPh>, each
                                               trimmed of XML white space unless it says
                                               xml:space="preserve" */
    uint32_t si_offset, si_length;          /* si of the last <f t="shared"> */
    uint8_t has_value;                      /* a <v> child was present */
    uint8_t has_inline;                     /* an <is> child was present */
    uint8_t has_formula;                    /* an <f> child was present */
    uint8_t shared;                         /* some <f> said t="shared" */
    uint8_t shared_master;                  /* the last such <f> had a ref attribute */
    uint8_t data_table;                     /* the last <f> said t="dataTable" */
} tb_xml_cell;

/** Creates a parser. Returns NULL when memory is short. */
tb_xml_parser *tb_xml_parser_new(uint32_t max_depth, uint32_t max_text_bytes);
/**
 * Cell mode: every <c> element inside <sheetData> becomes one TB_XML_CELL event (no events
 * for its tags and text). Set before the first feed.
 */
void tb_xml_set_cell_mode(tb_xml_parser *parser, int on);
/**
 * Cell mode, for a reader that keeps only the first `columns` columns: a cell right of them
 * still arrives as a cell event with its attributes, but its content (values, formulas,
 * inline text) is dropped from the bytes before libxml2 parses them, so it is never tokenized
 * nor checked beyond being balanced markup. Positions follow the same rules as without the
 * limit; anything unusual in the sheet's structure makes the rest of it pass whole. 0 (the
 * default) keeps every cell's content. Set after tb_xml_set_cell_mode and before the first feed.
 */
void tb_xml_set_column_limit(tb_xml_parser *parser, int32_t columns);
/**
 * Cell mode: cells of the plain shape nearly every writer uses for numbers, shared strings and
 * booleans (`<c r="B7" s="3" t="s"><v>12</v></c>`) are decoded by a byte-level filter and
 * never reach libxml2, which parses everything else (on by default; see tb_cell_filter.h for
 * the shape). Their events are exactly those libxml2's would have been; turning it off is for
 * comparing the two. Set after tb_xml_set_cell_mode and before the first feed.
 */
void tb_xml_set_cell_lifting(tb_xml_parser *parser, int on);
/** How many cells were lifted so far (for tests and measurements). */
uint64_t tb_xml_lifted_cell_count(const tb_xml_parser *parser);
/** Frees the parser and everything it holds. */
void tb_xml_parser_free(tb_xml_parser *parser);

/**
 * Feeds the next chunk of the document (terminate != 0 for the last one, which may be empty).
 * Returns TB_XML_OK or the first error; after an error the parser produces nothing more.
 */
int tb_xml_feed(tb_xml_parser *parser, const char *bytes, size_t length, int terminate);

size_t tb_xml_event_count(const tb_xml_parser *parser);
const tb_xml_event *tb_xml_events(const tb_xml_parser *parser);
const tb_xml_attr *tb_xml_attrs(const tb_xml_parser *parser);
const char *tb_xml_arena(const tb_xml_parser *parser);
/** The cell records of the events produced so far (cell mode). */
const tb_xml_cell *tb_xml_cells(const tb_xml_parser *parser);
/** Forgets the events, attributes and arena bytes produced so far. */
void tb_xml_clear(tb_xml_parser *parser);

/**
 * Reading ahead. A source fills `buffer` with up to `capacity` bytes of the document and
 * returns how many (0 at the end), or a negative number when it fails. It is called on the
 * pipeline's own thread, never on two threads at once.
 */
typedef int64_t (*tb_xml_source)(void *context, void *buffer, uint64_t capacity);

/** What one batch of a pipeline holds besides its events. */
typedef struct {
    uint64_t input_bytes;   /* bytes of the document this batch parsed */
    int32_t status;         /* TB_XML_OK or the parser's error (then this is the last batch) */
    uint8_t source_failed;  /* the source returned an error (then this is the last batch) */
    uint8_t last;           /* no batch follows */
} tb_xml_batch_info;

/**
 * Starts a thread that reads the whole document from `source`, `chunk_size` bytes at a time,
 * and parses it into batches, at most a few batches ahead of the reader. Afterwards the
 * document is read only with tb_xml_next_batch (not tb_xml_feed). Returns TB_XML_OK, or
 * TB_XML_ERR_MEMORY when the thread could not be started (then nothing has been read).
 */
int tb_xml_start_pipeline(tb_xml_parser *parser, tb_xml_source source, void *context, size_t chunk_size);
/**
 * Waits for the next batch of a pipeline and makes it the one tb_xml_events() and friends
 * read (the previous one is handed back to the producer). Returns 1 with `info` filled in, or
 * 0 after the last batch. tb_xml_parser_free stops the producer at any point.
 */
int tb_xml_next_batch(tb_xml_parser *parser, tb_xml_batch_info *info);

/** The error code of the first error, or TB_XML_OK. */
int tb_xml_error_code(const tb_xml_parser *parser);
/** A short English description of the first error (from libxml2 for syntax errors). */
const char *tb_xml_error_message(const tb_xml_parser *parser);
/** The line of the input at which the first error was found (0 when unknown). */
int tb_xml_error_line(const tb_xml_parser *parser);

#ifdef __cplusplus
}
#endif

#endif
