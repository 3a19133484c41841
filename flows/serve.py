"""Serve the intake flow as the deployment ``intake/inbox`` (run by ``intake serve``)."""

from __future__ import annotations

from flows.intake import intake_flow

DEPLOYMENT = "intake/inbox"


def serve() -> None:
    """Register the deployment with the Prefect server and run its flow runs until stopped."""
    intake_flow.serve(
        name="inbox",
        description="Process every ready application under inbox/ into records and queues.",
        tags=["intake"],
        parameters={"quiet_period_seconds": 60.0},
        print_starting_message=False,
    )


if __name__ == "__main__":
    serve()
