"""massage-coach: an offline, hands-free voice coach for giving a massage."""

__version__ = "0.1.0"
