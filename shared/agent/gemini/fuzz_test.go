package gemini

import (
	"strings"
	"testing"
	"unicode/utf8"

	"google.golang.org/genai"
)

// FuzzGroundedFindings feeds grounding metadata with arbitrary offsets and chunk indices: the
// report must stay valid text, keep its words, and name only chunks that exist.
func FuzzGroundedFindings(f *testing.F) {
	f.Add("Apple announced iPhone 18 on 18 September.", int32(10), int32(42), int32(0), int32(1))
	f.Add("café ünïcode", int32(0), int32(4), int32(-1), int32(7))
	f.Add("", int32(0), int32(0), int32(0), int32(0))
	f.Fuzz(func(t *testing.T, text string, start, end, chunkA, chunkB int32) {
		c := &genai.Candidate{
			Content: &genai.Content{Parts: []*genai.Part{{Text: text}}},
			GroundingMetadata: &genai.GroundingMetadata{
				GroundingChunks: []*genai.GroundingChunk{{Web: &genai.GroundingChunkWeb{URI: "https://a.example/", Title: "a"}},
					nil, {Web: &genai.GroundingChunkWeb{URI: "https://a.example/", Title: "dup"}}},
				GroundingSupports: []*genai.GroundingSupport{
					{Segment: &genai.Segment{StartIndex: start, EndIndex: end}, GroundingChunkIndices: []int32{chunkA, chunkB}},
					{Segment: nil}, nil,
				},
			},
		}
		got := groundedFindings(text, c)
		if len(got.Pages) != 1 {
			t.Fatalf("pages: %+v", got.Pages)
		}
		if utf8.ValidString(text) && !utf8.ValidString(got.Summary) {
			t.Fatalf("citation broke the text: %q", got.Summary)
		}
		cited := cite(text, c.GroundingMetadata.GroundingSupports, []int{1, 0, 1}, true)
		if !strings.Contains(text, " [1]") && strings.ReplaceAll(cited, " [1]", "") != text {
			t.Fatalf("text changed beyond citations: %q → %q", text, cited)
		}
		if strings.TrimSpace(cited) != got.Summary {
			t.Fatalf("summary %q is not the cited text %q", got.Summary, cited)
		}
	})
}
