"""The conversation every chat platform shares: registration, commands, answers to reminders.

`ChatConversation.handle` takes one `bot.channels.events.IncomingEvent` and returns the replies;
platform adapters (Telegram, Zalo, the console) only translate and deliver.
"""

from bot.chat.conversation.commands import parse_command
from bot.chat.conversation.handler import ChatConversation
from bot.chat.conversation.state import FloodGate, Steps

__all__ = ["ChatConversation", "FloodGate", "Steps", "parse_command"]
