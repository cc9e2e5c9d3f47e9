"""nhacviec — nhắc việc: deadline reminders for Vietnamese government plans."""

__version__ = "0.1.0"
