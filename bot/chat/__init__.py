"""Chat: understanding what people write to the bot, and what it answers."""
