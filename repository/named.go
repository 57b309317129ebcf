package repository

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/lib/pq"
)

// namedStatement is a registered statement written with named parameters (:name), for
// statements with many of them: the text is compiled once to PostgreSQL's positional $n (a
// name used twice is one parameter), and args binds values by name, so no argument can slip
// into the place of another. Casts (::type) are left alone.
type namedStatement struct {
	text  string
	names []string
}

var namedParam = regexp.MustCompile(`(^|[^:]):([a-z_][a-z0-9_]*)`)

// named registers text, compiled, under name.
func named(name, text string) namedStatement {
	var names []string
	index := map[string]int{}
	compiled := namedParam.ReplaceAllStringFunc(text, func(m string) string {
		sub := namedParam.FindStringSubmatch(m)
		i, ok := index[sub[2]]
		if !ok {
			names = append(names, sub[2])
			i = len(names)
			index[sub[2]] = i
		}
		return sub[1] + "$" + strconv.Itoa(i)
	})
	return namedStatement{text: statement(name, compiled), names: names}
}

// args are the values of the statement's parameters, in order; a name without a value is
// NULL, a value without a parameter an error.
func (n namedStatement) args(values map[string]any) ([]any, error) {
	out := make([]any, len(n.names))
	used := 0
	for i, name := range n.names {
		if v, ok := values[name]; ok {
			out[i] = sqlValue(v)
			used++
		}
	}
	if used != len(values) {
		return nil, fmt.Errorf("repository: values %v do not all name parameters of %v", keysOf(values), n.names)
	}
	return out, nil
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// sqlValue adapts Go values to lib/pq: lists become arrays.
func sqlValue(v any) any {
	if list, ok := v.([]string); ok {
		return pq.Array(list)
	}
	return v
}
