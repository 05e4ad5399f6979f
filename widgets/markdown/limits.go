package markdown

import (
	"regexp"
	"strings"

	"quire/app/api"
)

// Limits of one Markdown document beyond its size, checked by checkMarkdown before it is parsed.
// goldmark takes time that grows faster than the input on some shapes of input, the ones
// CommonMark parsers know as pathological (cmark's test/pathological_tests.py, goldmark issues
// #555 and #592): lists and quotes nested thousands deep ("* * * * x" on one line, or each line
// indented two more spaces), many emphasis or bracket characters in one paragraph ("*a_ " repeated,
// "[[[[a]]]]"), and link targets with no end ("[a](b" repeated). At 320 KB such input took 53 s.
// These limits keep every accepted document to well under a second of parsing, and no document
// written by a person comes near them.
const (
	// MaxNesting is how deeply quotes and list items may nest.
	MaxNesting = 32
	// MaxEmphasis bounds the characters * _ ~ of a paragraph, which goldmark pairs in time
	// that grows with the square of their number: a paragraph may hold this many, and a document
	// as many as keep the sum of each paragraph's count squared under its square.
	MaxEmphasis = 5000
	// MaxBrackets is the same bound for the characters [ and ], cheaper to pair.
	MaxBrackets = 16000
	// MaxLinkScan bounds, in bytes, how much goldmark reads of link targets in all: each
	// "](" makes it read on to the next space (to the next ">" after "](<").
	MaxLinkScan = 16 << 20
	// MaxCodeScan bounds, in bytes, how much goldmark reads looking for the ends of code
	// spans: a run of backticks is read on to the next run of as many, or to the end of its
	// paragraph when there is none.
	MaxCodeScan = 64 << 20
	// MaxDefinitions bounds link reference definitions ("[label]: target") that follow
	// each other without a blank line, which goldmark reads in time that grows with the square of
	// their number: as for MaxEmphasis, by the sum of each run's count squared.
	MaxDefinitions = 4000
	// MaxTableColumns bounds the columns of one table.
	MaxTableColumns = 64
	// MaxTableCells bounds the cells of all tables: a row with fewer cells than its
	// header is filled with empty ones, so two bytes of input can make 64 cells.
	MaxTableCells = 100_000
)

// mdScan is what checkMarkdown keeps between lines.
type mdScan struct {
	field string
	line  int // 1-based number of the line being read
	// items holds the content column of each open list item, innermost last.
	items []int
	// fence is the open code fence ("```" or "~~~", as long as it was opened), or "";
	// fenceQuotes and fenceIndent are the quotes and the content column of the list item it is
	// in: a line with fewer quotes or less indentation ends the fence with its container.
	fence                    string
	fenceQuotes, fenceIndent int
	para                     paragraph // the paragraph being read
	// The work counted so far.
	emphasisWork, bracketWork, linkScan, codeScan, definitionWork int64
	definitions                                                   int // in a row, up to this line
	// The table being read: its columns (0 when none), first line and block quotes.
	tableCols, tableLine, tableQuotes int
	cells                             int
}

// paragraph is a run of text goldmark parses inline as one: a paragraph, a heading, a table row.
type paragraph struct {
	open               bool
	line               int    // its first line
	quotes             int    // the block quotes it is in
	last               string // its last line's text
	size               int    // its bytes so far
	emphasis, brackets int
	ticks              []tickRun
}

// tickRun is a run of backticks in a paragraph: where it starts and how long it is.
type tickRun struct{ at, n int }

// checkMarkdown refuses, with a validation error on field that names the limit and the line, a
// document that would make goldmark do more work than the limits above allow. It reads each line
// once, following CommonMark's block structure closely enough to count nesting and to tell
// paragraphs apart; src must have "\n" line endings. Code blocks are not inspected.
func checkMarkdown(field, src string) error {
	sc := &mdScan{field: field}
	for len(src) > 0 {
		sc.line++
		line := src
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = ""
		}
		if err := sc.read(line); err != nil {
			return err
		}
	}
	return sc.endParagraph()
}

// read takes one line (without its line ending).
func (sc *mdScan) read(line string) error {
	definitions := sc.definitions
	sc.definitions = 0
	if sc.fence != "" {
		if sc.inFence(line) {
			return nil
		}
		sc.fence = "" // its container ended: the line is read as any other
	}
	if strings.TrimSpace(line) == "" {
		sc.tableCols = 0
		return sc.endParagraph()
	}
	// Block quote markers that open the line, then the indentation after them.
	quotes, pos, col := quotePrefix(line, -1)
	if err := sc.checkDepth(quotes); err != nil {
		return err
	}
	base := col // where the quotes' content starts
	col, pos = indent(line, pos, col)
	rest := line[pos:]
	if rest == "" { // a blank line in its quotes
		sc.tableCols = 0
		return sc.endParagraph()
	}
	container := base // the content column of the innermost open list item, or the quotes'
	if len(sc.items) > 0 {
		container = max(base, sc.items[len(sc.items)-1])
	}
	// A row of the table being read, each read on its own.
	if sc.tableCols > 0 && quotes == sc.tableQuotes && !startsBlock(rest) {
		return sc.readRow(rest)
	}
	sc.tableCols = 0
	// A line that goes on with the open paragraph: in its quotes or fewer (lazily), it opens no
	// block, or only a list item that may not interrupt a paragraph (one numbered other than 1,
	// or an empty one) inside the paragraph's own list item.
	if sc.para.open && quotes <= sc.para.quotes &&
		(!startsBlock(rest) || (col >= container && markerWidth(rest) > 0 && rest[0] != '>' && !mayInterrupt(rest))) {
		return sc.readText(rest, quotes)
	}
	if err := sc.endParagraph(); err != nil {
		return err
	}
	for len(sc.items) > 0 && sc.items[len(sc.items)-1] > col {
		sc.items = sc.items[:len(sc.items)-1]
	}
	if len(sc.items) > 0 {
		base = max(base, sc.items[len(sc.items)-1])
	}
	if col-base >= 4 {
		return nil // a line of an indented code block
	}
	// List markers and quotes that follow each other on the line, each one level deeper.
	breakFrom := thematicBreakFrom(line)
	for pos < len(line) {
		width := markerWidth(line[pos:])
		if width == 0 || (pos >= breakFrom && (line[pos] == '-' || line[pos] == '*')) {
			break
		}
		after, next := indent(line, pos+width, col+width)
		code := after-(col+width) > 4 // the content is indented code
		switch {
		case line[pos] == '>':
			quotes++
		case next == len(line) || code:
			sc.items = append(sc.items, col+width+1)
		default:
			sc.items = append(sc.items, after)
		}
		if err := sc.checkDepth(quotes); err != nil {
			return err
		}
		base = col + width + 1
		if code {
			return nil
		}
		col, pos = after, next
	}
	rest = line[pos:]
	if len(sc.items) > 0 {
		base = max(base, sc.items[len(sc.items)-1])
	}
	if linkDefinition.MatchString(rest) {
		// A link reference definition, not inline text; a run of n costs n squared, added a line
		// at a time.
		sc.definitions = definitions + 1
		if sc.definitionWork += int64(2*sc.definitions - 1); sc.definitionWork > MaxDefinitions*MaxDefinitions {
			return api.Invalid(sc.field, "The Markdown has too many link reference definitions (\"[label]: target\") in a row: "+
				"%d at line %d. A run may hold %d, and fewer when others hold many (the sum of each run's count squared is "+
				"at most %d squared). Put blank lines between them.", sc.definitions, sc.line, MaxDefinitions, MaxDefinitions)
		}
		return nil
	}
	if f := fenceOpening(rest); f != "" && col-base <= 3 {
		sc.fence, sc.fenceQuotes, sc.fenceIndent = f, quotes, 0
		if len(sc.items) > 0 {
			sc.fenceIndent = sc.items[len(sc.items)-1]
		}
		return nil
	}
	if err := sc.readText(rest, quotes); err != nil {
		return err
	}
	if isATXHeading(rest) {
		return sc.endParagraph() // a heading is read on its own
	}
	return nil
}

// readText adds a line's text to the paragraph being read (which it starts when none is), and
// turns the paragraph into a table when the line is a delimiter row under a header of as many
// cells.
func (sc *mdScan) readText(text string, quotes int) error {
	if sc.para.open && isTableDelimiter(text) && cellCount(sc.para.last) == delimiterCount(text) {
		cols := delimiterCount(text)
		if cols > MaxTableColumns {
			return api.Invalid(sc.field, "The table at line %d has %d columns; a table may have at most %d.",
				sc.line, cols, MaxTableColumns)
		}
		sc.tableCols, sc.tableLine, sc.tableQuotes = cols, sc.line, quotes
		sc.cells += 2 * cols // the header and the delimiter row
		return sc.endParagraph()
	}
	if err := sc.readLinks(text); err != nil {
		return err
	}
	sc.readInline(text, quotes)
	return nil
}

// readRow counts a table row's cells, its header's number whatever it holds (goldmark fills a
// short row with empty cells), and reads its text as a paragraph of its own.
func (sc *mdScan) readRow(text string) error {
	if sc.cells += sc.tableCols; sc.cells > MaxTableCells {
		return api.Invalid(sc.field, "The Markdown's tables have more than %d cells (rows times columns, counting the cells "+
			"that rows shorter than their header are given), reached in the table at line %d. Split the tables over several calls.",
			MaxTableCells, sc.tableLine)
	}
	if err := sc.readLinks(text); err != nil {
		return err
	}
	sc.readInline(text, sc.tableQuotes)
	return sc.endParagraph()
}

// mayInterrupt reports whether a list marker that opens s may interrupt a paragraph, as
// CommonMark says: a bullet or the number 1, followed by some text.
func mayInterrupt(s string) bool {
	w := markerWidth(s)
	if strings.TrimSpace(s[w:]) == "" {
		return false
	}
	return w == 1 || (w == 2 && s[0] == '1')
}

// cellCount is how many cells goldmark reads in a table row: its text split at each "|" that
// no backslash escapes, a "|" at either end left out.
func cellCount(row string) int {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	if strings.HasSuffix(row, "|") && !strings.HasSuffix(row, "\\|") {
		row = row[:len(row)-1]
	}
	n := 1
	for i := 0; i < len(row); i++ {
		if row[i] == '|' && (i == 0 || row[i-1] != '\\') {
			n++
		}
	}
	return n
}

// delimiterCount is how many columns a delimiter row gives: its parts between "|", blank ones
// at either end left out.
func delimiterCount(row string) int {
	parts := strings.Split(row, "|")
	if strings.TrimSpace(parts[0]) == "" {
		parts = parts[1:]
	}
	if len(parts) > 0 && strings.TrimSpace(parts[len(parts)-1]) == "" {
		parts = parts[:len(parts)-1]
	}
	return len(parts)
}

// quotePrefix returns how many block quote markers open line (at most max; -1 for any) and the
// position and column after them.
func quotePrefix(line string, max int) (quotes, pos, col int) {
	for quotes != max {
		c, p := indent(line, pos, col)
		if p >= len(line) || line[p] != '>' || c-col > 3 {
			break
		}
		quotes++
		pos, col = p+1, c+1
		if pos < len(line) && line[pos] == ' ' {
			pos, col = pos+1, col+1
		}
	}
	return quotes, pos, col
}

// inFence reports whether a line belongs to the open code fence (it has the fence's quotes and
// its list item's indentation, or is blank), and closes the fence when the line is its closing
// fence.
func (sc *mdScan) inFence(line string) bool {
	quotes, pos, col := quotePrefix(line, sc.fenceQuotes)
	if quotes < sc.fenceQuotes {
		return false
	}
	c, p := indent(line, pos, col)
	switch {
	case p == len(line):
		return true // a blank line goes on with the code
	case c < sc.fenceIndent:
		return false
	}
	if rest := line[p:]; strings.HasPrefix(rest, sc.fence) && strings.Trim(rest, sc.fence[:1]+" \t") == "" {
		sc.fence = ""
	}
	return true
}

// checkDepth refuses the line when its quotes and the open list items nest too deep.
func (sc *mdScan) checkDepth(quotes int) error {
	if depth := len(sc.items) + quotes; depth > MaxNesting {
		return api.Invalid(sc.field, "The Markdown nests lists and quotes %d deep at line %d; at most %d levels are read. "+
			"Flatten the deepest part.", depth, sc.line, MaxNesting)
	}
	return nil
}

// readInline adds a line's text to the paragraph being read, or starts one in quotes quotes.
func (sc *mdScan) readInline(text string, quotes int) {
	p := &sc.para
	if !p.open {
		*p = paragraph{open: true, line: sc.line, quotes: quotes, ticks: p.ticks[:0]}
	}
	p.last = text
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '*', '_', '~':
			p.emphasis++
		case '[', ']':
			p.brackets++
		case '`':
			n := 1
			for i+n < len(text) && text[i+n] == '`' {
				n++
			}
			p.ticks = append(p.ticks, tickRun{at: p.size + i, n: n})
			i += n - 1
		}
	}
	p.size += len(text) + 1
}

// endParagraph adds the work of the paragraph being read, if any, and refuses the document when
// it goes over a limit.
func (sc *mdScan) endParagraph() error {
	p := &sc.para
	if !p.open {
		return nil
	}
	p.open = false
	e, b := int64(p.emphasis), int64(p.brackets)
	sc.emphasisWork += e * e
	sc.bracketWork += b * b
	sc.codeScan += codeScan(p.ticks, p.size)
	switch {
	case sc.emphasisWork > MaxEmphasis*MaxEmphasis:
		return api.Invalid(sc.field, "The Markdown has too many of the characters *, _ and ~ in its paragraphs to be read in "+
			"bounded time: the paragraph at line %d has %d. A paragraph may hold %d, and fewer when others hold many "+
			"(the sum of each paragraph's count squared is at most %d squared). Split long paragraphs with blank lines.",
			p.line, e, MaxEmphasis, MaxEmphasis)
	case sc.bracketWork > MaxBrackets*MaxBrackets:
		return api.Invalid(sc.field, "The Markdown has too many of the characters [ and ] in its paragraphs to be read in "+
			"bounded time: the paragraph at line %d has %d. A paragraph may hold %d, and fewer when others hold many "+
			"(the sum of each paragraph's count squared is at most %d squared). Split long paragraphs with blank lines.",
			p.line, b, MaxBrackets, MaxBrackets)
	case sc.codeScan > MaxCodeScan:
		return api.Invalid(sc.field, "The Markdown has too many runs of backticks (`) without a closing run of as many "+
			"in long paragraphs, reached at the paragraph at line %d: each is read to the end of its paragraph, and at most %d MB "+
			"are read in all. Close code spans, or split long paragraphs with blank lines.", p.line, MaxCodeScan>>20)
	}
	return nil
}

// codeScan returns how many bytes goldmark reads finding the ends of the code spans of a
// paragraph of size bytes whose backtick runs are ticks: from each run that opens a span to the
// run of as many that closes it, or to the end for a run that none closes.
func codeScan(ticks []tickRun, size int) int64 {
	next := make([]int, len(ticks)) // the index of the next run of as many, or -1
	last := map[int]int{}
	for i := len(ticks) - 1; i >= 0; i-- {
		next[i] = -1
		if j, ok := last[ticks[i].n]; ok {
			next[i] = j
		}
		last[ticks[i].n] = i
	}
	var total int64
	for i := 0; i < len(ticks); i++ {
		if j := next[i]; j >= 0 {
			total += int64(ticks[j].at - ticks[i].at)
			i = j
		} else {
			total += int64(size - ticks[i].at)
		}
	}
	return total
}

// readLinks adds how far goldmark reads the target of each "](" of the line: to the next space,
// or to the next ">" when the target opens with "<"; a target ends with its line.
func (sc *mdScan) readLinks(rest string) error {
	nextSpace, nextClose := len(rest), len(rest)
	for i := len(rest) - 1; i >= 0; i-- {
		switch rest[i] {
		case ' ', '\t':
			nextSpace = i
		case '>':
			nextClose = i
		case ']':
			if i+1 < len(rest) && rest[i+1] == '(' {
				end := nextSpace
				if i+2 < len(rest) && rest[i+2] == '<' {
					end = nextClose
				}
				sc.linkScan += int64(end - i)
			}
		}
	}
	if sc.linkScan > MaxLinkScan {
		return api.Invalid(sc.field, "The Markdown's link targets (after \"](\") run on for more than %d MB in all, reached at line %d: "+
			"a target is read up to the next space. End link targets with \")\" and a space, or send less.", MaxLinkScan>>20, sc.line)
	}
	return nil
}

// linkDefinition is a whole link reference definition on one line: "[label]: target "title"".
var linkDefinition = regexp.MustCompile(`^\[[^\[\]]{1,999}\]:[ \t]*\S+([ \t]+("[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*$`)

// indent returns the column and position of the first character at or after pos that is not a
// space or tab, col being the column of pos; tabs stop every 4 columns.
func indent(line string, pos, col int) (int, int) {
	for pos < len(line) {
		switch line[pos] {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return col, pos
		}
		pos++
	}
	return col, pos
}

// markerWidth returns the width of the block quote or list marker that opens s ("> ", "- ",
// "12. "), the space after it not included, or 0.
func markerWidth(s string) int {
	switch {
	case s == "":
		return 0
	case s[0] == '>':
		return 1
	case s[0] == '-' || s[0] == '+' || s[0] == '*':
		if len(s) == 1 || s[1] == ' ' || s[1] == '\t' {
			return 1
		}
		return 0
	}
	digits := 0
	for digits < len(s) && digits < 10 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits == 0 || digits > 9 || digits == len(s) || (s[digits] != '.' && s[digits] != ')') {
		return 0
	}
	if digits+1 == len(s) || s[digits+1] == ' ' || s[digits+1] == '\t' {
		return digits + 1
	}
	return 0
}

// thematicBreakFrom returns where the longest tail of line that is a thematic break ("* * *",
// "---") begins, or len(line): a list marker there starts a rule, not a list.
func thematicBreakFrom(line string) int {
	var mark byte
	count, from := 0, len(line)
	for i := len(line) - 1; i >= 0; i-- {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
		case (c == '-' || c == '*' || c == '_') && (mark == 0 || c == mark):
			mark = c
			count++
			if count >= 3 {
				from = i
			}
		default:
			return from
		}
	}
	return from
}

// startsBlock reports whether a line's text (indentation taken off) opens a block that ends a
// paragraph: a list item or quote, a heading, a fence, or a thematic break.
func startsBlock(rest string) bool {
	return rest != "" && (markerWidth(rest) > 0 || isATXHeading(rest) || fenceOpening(rest) != "" || thematicBreakFrom(rest) == 0)
}

func isATXHeading(s string) bool {
	n := 0
	for n < len(s) && n < 7 && s[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(s) || s[n] == ' ' || s[n] == '\t')
}

// fenceOpening returns the fence that s opens ("```", "~~~~"...), or "".
func fenceOpening(s string) string {
	if len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return ""
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 || (s[0] == '`' && strings.IndexByte(s[n:], '`') >= 0) {
		return ""
	}
	return s[:n]
}

// isTableDelimiter reports whether s is a table's delimiter row as goldmark reads it: only
// "-", ":", "|" and spaces, with at least one "-" and one character that is not "-".
func isTableDelimiter(s string) bool {
	if !strings.Contains(s, "-") || strings.Trim(s, "-") == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '-', ':', '|', ' ', '\t':
		default:
			return false
		}
	}
	return true
}
