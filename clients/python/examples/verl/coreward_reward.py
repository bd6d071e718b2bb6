"""verl's custom_reward_function.path for coreward (a file path works on every verl version; recent ones also
take path=pkg://coreward_client.verl)."""
from coreward_client.verl import compute_score  # noqa: F401
