"""The coach's voice: text to speech, playback, rhythm cues, session audio rendering."""
