"""The exercise contract of ../shared/CURRICULUM.md, per module: the names each
source notebook must define in its own answer cell. Extend as modules land."""
CONTRACT = {
    "01_perceptron": ["perceptron_predict", "perceptron_update", "train_perceptron",
                      "gate_weights"],
    "02_activations": ["sigmoid", "sigmoid_grad", "tanh_grad", "relu", "relu_grad",
                       "leaky_relu", "leaky_relu_grad", "elu", "elu_grad", "softmax",
                       "log_softmax"],
}
CONTRACT.update({
    "03_layers": ["dense_forward", "mlp_forward", "count_parameters", "xavier_uniform",
                  "he_normal", "rbf_features", "fit_rbf_network"],
    "04_losses": ["mse", "mse_grad", "mae", "mae_grad", "binary_cross_entropy",
                  "bce_with_logits", "one_hot", "cross_entropy", "cross_entropy_grad"],
    "05_backprop": ["numerical_gradient", "dense_backward", "relu_backward", "sigmoid_backward",
                    "Value", "two_layer_net", "train_mlp_numpy"],
    "06_optimizers": ["sgd_step", "momentum_step", "adagrad_step", "rmsprop_step", "adam_step",
                      "adamw_step", "minibatch_indices"],
})
CONTRACT.update({
    "07_training": ["train_val_test_split", "kfold_indices", "step_decay", "exponential_decay",
                    "cosine_annealing", "cosine_warm_restarts", "EarlyStopping", "MLP",
                    "train_one_epoch", "evaluate", "random_search"],
    "08_regularization": ["l1_penalty", "l2_penalty", "elastic_net_penalty", "l2_penalty_grad",
                          "dropout_forward", "dropout_backward", "batchnorm_forward",
                          "add_gaussian_noise", "horizontal_flip"],
    "09_cnn": ["conv_output_size", "conv2d_forward", "conv2d_backward", "maxpool2d_forward",
               "ResidualBlock", "SmallCNN"],
})
