"""Load, verify and use the command recognition model (app side: no training dependencies)."""
