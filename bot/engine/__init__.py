"""The running bot: APScheduler as the clock, the outbox dispatcher as the worker.

Reminders are rows, not scheduler jobs (see `bot.outbox`). The scheduler's jobs only wake the
dispatcher (at the next due row, and on a periodic sweep), extend the reminder horizon daily,
and run the cron jobs other parts register (digests). Its job store is the default in-memory
one: everything in it is rebuilt from the database at start.
"""
