"""The dashboard for office chiefs and the platforms' webhooks: one ASGI application (Starlette,
served by uvicorn, Jinja2 pages rendered on the server).

- `app`: the factory (`create_app`), given the engine, settings, clock and receivers;
- `signin`: one-time links and sessions; `access`: who sees what; `filters`: the URL's filters;
- `queries`: what the pages show; `chart`: the overview's SVG; `pages`: the page routes;
- `webhooks`: `/telegram` and `/zalo`; `server`: uvicorn in the caller's event loop;
- `links`: the sign-in link as `/web` and `nhacviec web-login` give it.
"""
