"""The leaderboard server: FastAPI over its own SQLAlchemy models and Alembic migrations.

Stateless: everything shared between instances (secrets, lockouts, rate limits, refresh tokens)
lives in the database, so several processes can serve one PostgreSQL. Built by `create_app`.
"""
