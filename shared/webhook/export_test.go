package webhook

// SampleEvent exposes the webhook.test event to the golden test of the payload.
var SampleEvent = sampleEvent
