"""Listening: microphone -> recognizer -> commands, with barge-in and no self-triggering."""
