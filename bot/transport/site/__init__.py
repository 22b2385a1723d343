"""The bot on the web: public case pages and the Telegram Mini App (see routes.py)."""
