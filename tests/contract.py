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
CONTRACT.update({
    "10_rnn": ["rnn_cell", "rnn_forward", "lstm_cell", "gru_cell", "clip_grad_norm",
               "SequenceLSTM", "train_sequence_model"],
    "11_embeddings": ["bpe_train", "bpe_encode", "build_vocab", "skipgram_pairs",
                      "sgns_loss_and_grads", "cosine_similarity", "most_similar", "analogy",
                      "char_ngrams", "cooccurrence_matrix"],
    "12_transformers": ["scaled_dot_product_attention", "causal_mask", "split_heads",
                        "merge_heads", "multi_head_attention", "sinusoidal_positional_encoding",
                        "layer_norm", "luong_score", "TransformerBlock", "generate"],
})
CONTRACT.update({
    "13_generative": ["Autoencoder", "reparameterize", "kl_divergence", "vae_loss",
                      "gan_discriminator_loss", "gan_generator_loss", "som_bmu", "som_update",
                      "anomaly_scores"],
    "14_transfer": ["freeze", "unfreeze", "count_trainable", "gradual_unfreezing",
                    "make_episode", "compute_prototypes", "prototypical_logits"],
    "15_robustness": ["fgsm_attack", "pgd_attack", "adversarial_training_step", "saliency_map",
                      "grad_cam", "occlusion_map", "integrated_gradients", "squash",
                      "euler_odeint"],
    "16_production": ["quantize_int8", "dequantize", "magnitude_prune", "distillation_loss",
                      "export_onnx", "batched_predict", "latency_percentiles", "LRUCache",
                      "population_stability_index", "ks_statistic", "detect_drift",
                      "demographic_parity_difference", "equal_opportunity_difference"],
})
# Additions (second turn): exercises for topics that were prose only (../shared/CURRICULUM.md).
CONTRACT["08_regularization"] += ["batchnorm_backward"]
CONTRACT["11_embeddings"] += ["wordpiece_tokenize", "glove_loss_and_grads"]
CONTRACT["15_robustness"] += ["shapley_values", "lime_weights", "dynamic_routing"]
CONTRACT["16_production"] += ["int8_matmul"]
