package webhook

// SampleEvent exposes the webhook.test event to the golden test of the payload.
var SampleEvent = sampleEvent

// SameOrigin exposes the rule that decides which deliveries carry the custom headers.
var SameOrigin = sameOrigin
