/*
 * tb_cell_skip: drops the content of worksheet cells right of a column limit from the bytes of
 * a worksheet part before libxml2 parses them. Private to this target.
 *
 * A reader that wants only the first `limit` columns (the checker reads a template's fields,
 * not the self-check formulas right of them) would otherwise have libxml2 tokenize every
 * formula of those columns only to throw the cells away. The filter is a small byte-level
 * tokenizer (tags, quotes, comments, CDATA, processing instructions) that follows
 * <sheetData>, its <row> elements and their <c> children:
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
 * - Anything outside that shape (a cell or row where none belongs, a second <sheetData>, a
 *   declaration, a start tag or cell longer than HOLD_MAX, an r attribute that is not a plain
 *   A1 reference) switches the filter off for the rest of the part: from then on every byte
 *   passes, and the reader sees exactly what the file holds. Cells already emptied stay
 *   empty, which is safe because the reader would have discarded them.
 * - A part whose XML declaration names an encoding other than UTF-8 passes whole (in such an
 *   encoding a byte of a multibyte character may look like markup).
 * - Where chunks end changes nothing in the bytes passed on.
 */
#ifndef TB_CELL_SKIP_H
#define TB_CELL_SKIP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *bytes;
    size_t length;
    size_t capacity;
} tb_cell_skip_buffer;

typedef struct {
    int32_t limit;              /* cells right of this column lose their content; 0: never */
    int off;                    /* switched off: every byte passes */
    int state;                  /* the tokenizer's state: SKIP_* in tb_cell_skip.c */
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
    int32_t previous_column;    /* of the previous cell in the row */
    uint64_t position;          /* bytes of the part read before this call */
    int in_declaration;         /* the PI being read is the XML declaration (at the start) */
    char declaration_text[128]; /* its bytes, to read its encoding */
    uint32_t declaration_length;
    tb_cell_skip_buffer hold;   /* a cell's start tag until its r is known; a cell to drop */
    tb_cell_skip_buffer out;    /* the filtered bytes of the last call */
} tb_cell_skip;

/** Starts a filter with `limit` columns kept (0 or less: a filter that passes everything). */
void tb_cell_skip_init(tb_cell_skip *skip, int32_t limit);
/** Frees the filter's buffers. */
void tb_cell_skip_free(tb_cell_skip *skip);
/** The filter passes every byte from now on (never set, or switched off). */
int tb_cell_skip_passes_all(const tb_cell_skip *skip);
/**
 * Filters the next `length` bytes of the part (`last` for the final call, which also passes
 * on any tag still held). The filtered bytes are in skip->out until the next call. Returns 0,
 * or -1 when memory is short.
 */
int tb_cell_skip_run(tb_cell_skip *skip, const char *bytes, size_t length, int last);

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
