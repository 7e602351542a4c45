package alipayplus

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// jsonObject is a JSON object that keeps its members in the order they were
// set, so that the generated document reads in the definitions' order.
type jsonObject struct {
	keys   []string
	values map[string]any
}

// obj returns an object of the key/value pairs kv, skipping members whose
// value is nil, "" or a nil *jsonObject.
func obj(kv ...any) *jsonObject {
	o := &jsonObject{values: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

// set sets member key to v (last in the order when new); nil, "" and a
// nil *jsonObject are skipped.
func (o *jsonObject) set(key string, v any) *jsonObject {
	switch x := v.(type) {
	case nil:
		return o
	case string:
		if x == "" {
			return o
		}
	case *jsonObject:
		if x == nil {
			return o
		}
	}
	if _, ok := o.values[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.values[key] = v
	return o
}

// merge sets every member of other on o, in other's order.
func (o *jsonObject) merge(other *jsonObject) *jsonObject {
	for _, k := range other.keys {
		o.set(k, other.values[k])
	}
	return o
}

// without returns a copy of o without member key.
func (o *jsonObject) without(key string) *jsonObject {
	out := obj()
	for _, k := range o.keys {
		if k != key {
			out.keys = append(out.keys, k)
			out.values[k] = o.values[k]
		}
	}
	return out
}

// MarshalJSON writes the members in order.
func (o *jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalNoEscape(o.values[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads an object keeping its members' order (nested objects
// become *jsonObject, numbers json.Number).
func (o *jsonObject) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readOrdered(dec)
	if err != nil {
		return err
	}
	x, ok := v.(*jsonObject)
	if !ok {
		return fmt.Errorf("not a JSON object")
	}
	*o = *x
	return nil
}

func readOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &jsonObject{values: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := readOrdered(dec)
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if _, ok := o.values[k]; !ok {
					o.keys = append(o.keys, k)
				}
				o.values[k] = v
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := readOrdered(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
	}
	return tok, nil
}
