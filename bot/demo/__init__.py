"""`nhacviec demo`: the bot on a simulated clock, with a built-in sample plan and scripted replies."""
