"""Reference implementations of the course's math, in float64; no function changes its inputs.

- network:        sigmoid, sigmoid_derivative, mse_loss, output_delta, hidden_delta,
                  layer_gradients, forward, backprop, sgd_step, network_loss
- training:       init_network, train, predict, accuracy, minibatches
- moving_average: ema, ema_bias_corrected, ema_update, bias_correction, warmup_decay, WeightEMA
- gradient_check: numerical_gradient, relative_error, directional_check, full_check
"""
from .network import (backprop, forward, hidden_delta, layer_gradients, mse_loss,
                      network_loss, output_delta, sgd_step, sigmoid, sigmoid_derivative)
from .moving_average import WeightEMA, bias_correction, ema, ema_bias_corrected, ema_update, warmup_decay
from .gradient_check import (GradientCheckReport, directional_check, full_check,
                             numerical_gradient, relative_error)
from .training import TrainingRun, accuracy, init_network, minibatches, predict, train

__all__ = [
    "sigmoid", "sigmoid_derivative", "mse_loss", "output_delta", "hidden_delta",
    "layer_gradients", "forward", "backprop", "sgd_step", "network_loss",
    "init_network", "train", "predict", "accuracy", "minibatches", "TrainingRun",
    "ema", "ema_bias_corrected", "ema_update", "bias_correction", "warmup_decay", "WeightEMA",
    "numerical_gradient", "relative_error", "directional_check", "full_check",
    "GradientCheckReport",
]
