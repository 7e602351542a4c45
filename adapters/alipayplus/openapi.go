package alipayplus

// authCodeSchema is the JSON Schema of chooseScenario: a scenario flag
// whose scenario needs an auth code, unless evaluated only, requires
// paymentAuthCode.
func authCodeSchema() map[string]any {
	var needs []any
	evaluation := ""
	for _, m := range scenarioFactor.members {
		switch {
		case m.exclusive && m.scenario.NeedsAuthCode():
			needs = append(needs, map[string]any{"required": []any{m.name}, "properties": map[string]any{m.name: trueFlag()}})
		case m.evaluation:
			evaluation = m.name
		}
	}
	return map[string]any{
		"if": map[string]any{
			"required": []any{scenarioFactor.name},
			"properties": map[string]any{scenarioFactor.name: map[string]any{
				"type":  "object",
				"anyOf": needs,
				"not":   map[string]any{"required": []any{evaluation}, "properties": map[string]any{evaluation: trueFlag()}},
			}},
		},
		"then": map[string]any{
			"required":   []any{payAuthCode.name},
			"properties": map[string]any{payAuthCode.name: nonEmptyString()},
		},
	}
}

// eitherSchema is the JSON Schema of eitherMember: a or b is a non-empty
// string.
func eitherSchema(a, b string) map[string]any {
	return map[string]any{"anyOf": []any{
		map[string]any{"required": []any{a}, "properties": map[string]any{a: nonEmptyString()}},
		map[string]any{"required": []any{b}, "properties": map[string]any{b: nonEmptyString()}},
	}}
}

func trueFlag() map[string]any { return map[string]any{"enum": []any{true, "true"}} }

func nonEmptyString() map[string]any { return map[string]any{"type": "string", "minLength": 1} }
