from tests.slack_fixtures import *  # noqa: F403 - shared Slack fixtures
