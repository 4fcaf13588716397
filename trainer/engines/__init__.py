"""Training engines behind one Protocol: peft (CPU/CUDA) and mlx (Apple silicon; Linux CPU for tests)."""

from trainer.engines.base import (LoraSettings, TrainEngine, TrainEvent, TrainJob, TrainResult,
                                  TrainSettings, engine_names, get_engine, pick_engine)

__all__ = ["LoraSettings", "TrainEngine", "TrainEvent", "TrainJob", "TrainResult", "TrainSettings",
           "engine_names", "get_engine", "pick_engine"]
