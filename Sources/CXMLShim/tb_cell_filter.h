/*
 * tb_cell_filter: reads the bytes of a worksheet part, between inflating and libxml2, and
 * spares libxml2 the cells it need not tokenize. Private to this target. Two jobs:
 *
 * 1. Dropping. A reader that wants only the first `limit` columns (the checker reads a
 *    template's fields, not the self-check formulas right of them) would otherwise have
 *    libxml2 tokenize every formula of those columns only to throw the cells away.
 * 2. Lifting. A cell of the plain shape nearly every writer uses for numbers, shared strings
 *    and booleans (`<c r="B7" s="3" t="s"><v>12</v></c>`: attributes r, s and t, each at most
 *    once, with plain values; at most one <f> without attributes and one <v>, of printable
 *    ASCII without '<', '&' and '>'; nothing else) is decoded here
 *    instead (`tb_lifted_cell`); the XML shim emits its cell event itself, and libxml2 never
 *    sees its bytes. Such a cell is well-formed by its shape, holds no line feed (libxml2's
 *    line numbers stay the file's) and decodes to the very record the shim would build from
 *    libxml2's events; any other cell goes to libxml2 as before.
 *
 * The filter is a small byte-level tokenizer (tags, quotes, comments, CDATA, processing
 * instructions) that follows <sheetData>, its <row> elements and their <c> children:
 *
 * - A <c> start tag that is a direct child of a <row> is held until its end, so that its r
 *   attribute is known. Its column is the r attribute's, or the previous cell's plus one
 *   without one (the reader's rule).
 * - When that column is right of the limit, the cell is held whole (to its matching end tag)
 *   and then passed on as an empty element (`<c r="X7" t="str"/>`) followed by the line feeds
 *   its content held (so libxml2's line numbers stay those of the file). The reader thus still
 *   sees the cell with its attributes, counts positions exactly as before, and then discards it
 *   by its column, as it would have: only the content it never decodes is gone.
 * - A held cell with a shared formula's text (`<f t="shared" ...>text</f>`) passes whole: the
 *   reader keeps that text for the cells left of the limit that share the formula (Excel may
 *   put a shared formula's master right of cells that use it).
 * - The content dropped must be balanced markup; it is not otherwise checked (a file whose
 *   dropped cells hold text that is not UTF-8, say, reads as though they were empty).
 * - When lifting, any other cell is held to its end too (or until it is seen not to have the
 *   plain shape: a child other than <v>, or more than LIFT_MAX bytes, which passes it on at
 *   once) and then lifted or passed on whole.
 * - Anything outside that shape (a cell or row where none belongs, a second <sheetData>, a
 *   declaration, a start tag or cell longer than HOLD_MAX, an r attribute that is not a plain
 *   A1 reference) switches the filter off for the rest of the part: from then on every byte
 *   passes, and the reader sees exactly what the file holds. Cells already emptied stay
 *   empty, which is safe because the reader would have discarded them.
 * - A part that does not begin with `<` and a byte other than NUL (after a UTF-8 byte order
 *   mark), or whose XML declaration names an encoding other than UTF-8, passes whole (in
 *   another encoding a byte of a multibyte character may look like markup).
 * - Where chunks end changes nothing in the bytes passed on, nor in the cells lifted.
 */
#ifndef TB_CELL_FILTER_H
#define TB_CELL_FILTER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *bytes;
    size_t length;
    size_t capacity;
} tb_cell_filter_buffer;

/*
 * A cell lifted past libxml2 by the last call (see the header comment): its bytes are in the
 * filter's `out` at [at, at + length), where the shim emits its cell event instead of parsing
 * them, or parses them after all when libxml2 has not caught up with the bytes before them.
 */
typedef struct {
    size_t at, length;
    uint32_t depth;             /* open elements around the cell (its row's depth) */
    int32_t row, column;        /* its r decoded (0, 0 without one) */
    int32_t style;              /* its s (0 without one) */
    uint32_t t_at, t_length;    /* its t's value, within the cell's bytes (has_t) */
    uint32_t f_at, f_length;    /* the text of its <f>, within the cell's bytes (has_formula) */
    uint32_t v_at, v_length;    /* the text of its <v>, within the cell's bytes (has_value) */
    uint32_t longest_attribute; /* the length of its longest attribute value */
    uint8_t has_r, has_t, has_formula, has_value;
} tb_lifted_cell;

typedef struct {
    int32_t limit;              /* cells right of this column lose their content */
    int lift;                   /* plain cells are lifted */
    int off;                    /* switched off: every byte passes */
    int state;                  /* the tokenizer's state: SKIP_* in tb_cell_filter.c */
    int sink;                   /* where the current bytes go: passed on, or held */
    int end_tag;                /* the tag being read is an end tag */
    int slash;                  /* the tag's last byte so far (outside quotes) is '/' */
    int declaration;            /* the tag is a <!...> declaration inside a held cell */
    char quote;                 /* the quote of the attribute value being read */
    uint32_t run;               /* trailing '-' (comments), ']' (CDATA) or '?' (PIs) */
    char name[16];              /* the tag's local name (after any prefix), NUL-terminated */
    uint32_t name_length;       /* may exceed sizeof name - 1: then the name is none we know */
    char bang[8];               /* the bytes after "<!", to tell comments from CDATA */
    uint32_t bang_length;
    uint32_t depth;             /* open elements of the bytes passed on */
    int seen_sheet_data;        /* a <sheetData> has started */
    uint32_t sheet_data_depth;  /* depth of <sheetData> while open, else 0 */
    uint32_t row_depth;         /* depth of the open <row> in it, else 0 */
    uint32_t dropping;          /* open elements of the cell held to drop (itself included) */
    size_t cell_tag_length;     /* the length of that cell's start tag in `hold` */
    size_t tag_start;           /* where the tag being read starts in `hold` (in such a cell) */
    int keep_cell;              /* that cell holds a shared formula's text: it passes whole */
    int lifting;                /* the held cell is left of the limit, held to be lifted */
    uint8_t head[5];            /* the part's first bytes, to check its encoding */
    uint32_t head_length;
    int head_checked;
    int32_t previous_column;    /* of the previous cell in the row */
    uint64_t position;          /* bytes of the part read before this call */
    int in_declaration;         /* the PI being read is the XML declaration (at the start) */
    char declaration_text[128]; /* its bytes, to read its encoding */
    uint32_t declaration_length;
    tb_cell_filter_buffer hold;   /* a cell's start tag until its r is known; a cell to drop */
    tb_cell_filter_buffer out;    /* the filtered bytes of the last call */
    tb_lifted_cell *lifted;     /* the cells of `out` lifted by the last call, in order */
    size_t lifted_count;
    size_t lifted_capacity;
} tb_cell_filter;

/**
 * Starts a filter that keeps `limit` columns (0 or less: every column) and, with `lift`, lifts
 * plain cells. Without either it passes everything.
 */
void tb_cell_filter_init(tb_cell_filter *filter, int32_t limit, int lift);
/** Frees the filter's buffers. */
void tb_cell_filter_free(tb_cell_filter *filter);
/** The filter passes every byte from now on (never set, or switched off). */
int tb_cell_filter_passes_all(const tb_cell_filter *filter);
/**
 * Filters the next `length` bytes of the part (`last` for the final call, which also passes
 * on any tag still held). The filtered bytes are in filter->out, and the cells among them that
 * were lifted in filter->lifted, until the next call. Returns 0, or -1 when memory is short.
 */
int tb_cell_filter_run(tb_cell_filter *filter, const char *bytes, size_t length, int last);

/** XML white space (the four characters the XML spec calls S). Inline: the shim's hot paths use it. */
static inline int tb_is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/**
 * An A1-style reference (`D7`, `$D$7`, lower-case letters allowed) inside Excel's grid
 * (1..1048576 rows, 1..16384 columns): the same rule as the reader's CellReference.parse.
 * Returns 1 with the row and column, or 0. Inline: the XML shim calls it for every cell.
 */
static inline int tb_parse_reference(const unsigned char *v, size_t n, int32_t *row_out, int32_t *column_out) {
    size_t i = 0;
    if (i < n && v[i] == '$') i++;
    int32_t column = 0;
    size_t start = i;
    while (i < n) {
        unsigned char b = v[i];
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
        unsigned char b = v[i];
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

#endif
