package main

import (
	"errors"
	"strings"
)

// shellWords splits a command line the way bash does for the forms curl
// commands are copied in: 'single quotes', "double quotes" with \" \\ \$
// \` escapes, $'ANSI-C' quotes (Chromium's "Copy as cURL (bash)"),
// backslash escapes, backslash-newline continuations and # comments.
// Variables and globs are left as text; cmd.exe's ^ form is not read.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case c == '\\' && i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n':
			i += 2
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			flush()
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\\':
			inWord = true
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '$' && i+1 < len(s) && s[i+1] == '\'':
			inWord = true
			n, err := ansiCQuoted(s[i+2:], &cur)
			if err != nil {
				return nil, err
			}
			i += 1 + n
		case c == '"':
			inWord = true
			n, err := doubleQuoted(s[i+1:], &cur)
			if err != nil {
				return nil, err
			}
			i += n
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	flush()
	return words, nil
}

// doubleQuoted copies a "..." body (s starts after the opening quote) and
// returns the bytes consumed, closing quote included.
func doubleQuoted(s string, out *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0:
			i++
			if s[i] != '\n' {
				out.WriteByte(s[i])
			}
		default:
			out.WriteByte(c)
		}
	}
	return 0, errors.New("unterminated double quote")
}

// ansiCQuoted copies a $'...' body (s starts after the opening quote),
// decoding the escapes Chromium emits (\n \r \t \\ \' \" \xHH \uHHHH), and
// returns the bytes consumed, closing quote included.
func ansiCQuoted(s string, out *strings.Builder) (int, error) {
	simple := map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', '\\': '\\', '\'': '\'', '"': '"', '?': '?', 'a': 7, 'b': 8, 'e': 27, 'f': 12, 'v': 11}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			return i + 1, nil
		}
		if c != '\\' || i+1 >= len(s) {
			out.WriteByte(c)
			continue
		}
		i++
		if b, ok := simple[s[i]]; ok {
			out.WriteByte(b)
			continue
		}
		digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i]]
		if digits == 0 {
			out.WriteByte('\\')
			out.WriteByte(s[i])
			continue
		}
		j := i + 1
		for j < len(s) && j < i+1+digits && ishexByte(s[j]) {
			j++
		}
		var v rune
		for _, h := range s[i+1 : j] {
			v = v*16 + rune(hexVal(byte(h)))
		}
		if s[i] == 'x' {
			out.WriteByte(byte(v))
		} else {
			out.WriteRune(v)
		}
		i = j - 1
	}
	return 0, errors.New("unterminated $'...' quote")
}

func ishexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
