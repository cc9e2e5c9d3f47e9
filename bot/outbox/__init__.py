"""The reminder outbox: every message to send is a row that a worker claims, sends and marks.

Guarantees:
- **Never lost.** A row leaves `pending` only by being sent (`sent`), given up on with a reason
  (`failed`: the platform refused for good, no chat registered, too many attempts) or withdrawn
  (`cancelled`, e.g. a newer reminder of the same deadline made it redundant). A worker that
  dies holds its rows only until their lease expires; then any worker claims them again.
- **Never doubled, with one exception.** A claim is one atomic statement (a conditional UPDATE;
  on PostgreSQL its candidate rows are picked with `FOR UPDATE SKIP LOCKED`), so two workers —
  in one process or many, on one machine or several — never hold the same row, and a worker
  marks a row sent only while it still holds the lease (`claimed_by` = its id). The one
  duplicate left is a crash *after* the platform accepted the message and *before* our commit of
  `sent` (or a database outage there that outlasts the lease: the mark is retried until the
  database answers, and is lost only if another worker claimed the row first): the row is then
  sent again when its lease expires. Chat platforms have no idempotency key on sendMessage, so no
  client can close that window; it is as small as one HTTP answer plus one commit.
- **Carries on through database outages.** Every statement runs through `bot.db.reconnect`:
  a dropped connection is waited out with backoff, then the work runs again (each piece is one
  transaction, so a retry never sees half of an earlier one).
- **No flood after downtime.** On start, of the reminders that fell due while the bot was down,
  only the latest per (deadline, person) goes out, marked `late`; the older ones are cancelled
  ("đã có nhắc mới hơn").
- **One check-in, not N messages.** A claim takes all of a person's due rows at once (the person
  is the unit: on PostgreSQL their `people` row is locked with `SKIP LOCKED`), and the
  dispatcher sends them as one message (`checkin.py`), marked together with the `checkins` row
  that says what each number stands for. The duplicate above is then one check-in. Rows that fall
  due after the day's check-in wait for the next working day's slot unless due today or overdue;
  near a channel's monthly budget (`budget.py`) progress nudges, then "before" rows are
  cancelled with the reason, and the admin is told once per channel, level and month: in the
  log, and in chat by a `notice` row queued with the record (`notice.py`), never dropped itself.
- Nothing is ever deleted.
"""
