"""verl's custom_reward_function for the batch reward manager (reward_model.reward_manager=batch): verl 0.6.x, and
0.7.0 with reward_model.use_reward_loop=False. verl 0.6.x loads it from a file path only
(custom_reward_function.path=/path/to/coreward_reward.py); verl 0.7.1 and later never call a batch function and
take the reward manager coreward_client.verl_reward_loop.CoRewardLoopManager instead (run_reward_loop.sh)."""
from coreward_client.verl import compute_score  # noqa: F401
