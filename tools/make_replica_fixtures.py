#!/usr/bin/env python3
"""Tiny replicas of published Hugging Face file sets, for lntune's conformance tests.

Usage:
    /usr/bin/python3 tools/make_replica_fixtures.py test/fixtures/replicas [REPLICA ...]

With folder names, only those replicas are made.

Needs only PyTorch (>= 1.13) and the standard library. Each replica keeps the published repository's
file names, config fields, key names, dtypes and shard layout; only the dimensions are shrunk (see the
README.md in each replica folder for where every file's fields come from). The weights are random.

The state dicts come from torch modules laid out as the transformers classes that wrote the published
files (so names, order, buffers and dtypes are what `model.state_dict()` gives), and are split into
shards as transformers' `shard_checkpoint` splits them.

- `.bin` sets are written here with torch.save (shards as plain dicts, a single file as the module's
  state_dict, as save_pretrained does).
- safetensors sets hold vocabulary-sized matrices too large to commit; this script writes each shard's
  exact safetensors header into the replica's `replica.json`, and the tests write the data section
  deterministically (test/conformance/replica.ts).
- tokenizer.json files (megabytes) are built by the tests from the tokenizer files this repository
  already ships, with the changes recorded in `replica.json` (added tokens, pre-tokenizer). Repositories
  that publish only SentencePiece's tokenizer.model (vicuna, liuhaotian/llava-v1.5-7b) get LLaMA's
  (test/fixtures/tokenizers/llama2-sentencepiece, 500 KB, the same file in each).

`replica.json` also records what the tests compare `lntune inspect` against: parameters per component
and tensors per stored dtype.
"""

import os
import sys
from collections import OrderedDict

import torch
from replica_checkpoint_files import expected, safetensors_set, write_bin_set, write_json, write_text
from replica_hf_modules import (
    CLIPModel,
    SiglipModel,
    LlamaForCausalLM,
    LlavaForConditionalGeneration,
    LlavaForConditionalGenerationV452,
    LlavaLlamaForCausalLM,
    randomize,
    state_dict,
)
from replica_tokenizer_files import (
    LLAMA2_SPECIALS,
    QWEN25_ADDED,
    qwen_tokenizer_config,
    shrunk_qwen2_tokenizer_json,
    LLAMA2_TOKENIZER,
    LLAMA3_TOKENIZER,
    added_token,
    legacy_added,
    llama32_special_tokens,
    llava_hf_tokenizer_files,
    special_map_token,
    tokenizer_json_token,
    vicuna_tokenizer_files,
)

torch.set_default_dtype(torch.float32)

# Shrunk dimensions. LLaMA-2 family: 4096 -> 8 hidden, 11008 -> 24 intermediate, 32 -> 2 layers and heads.
LLAMA2_DIMS = dict(hidden_size=8, intermediate_size=24, num_hidden_layers=2, num_attention_heads=2)


# CLIP ViT-L/14-336: 1024 -> 8 hidden, 4096 -> 32 intermediate, 24 -> 2 layers, 16 -> 2 heads, 336 -> 28
# pixels (patch 14 kept: 2 x 2 patches).
CLIP_VISION_DIMS = dict(
    hidden_size=8, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2, image_size=28, patch_size=14
)


CLIP_TEXT_DIMS = dict(hidden_size=8, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2)


IMAGE_SEQ_LENGTH = (28 // 14) ** 2


LLAVA_HF_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] != 'system' %}{{ message['role'].upper() + ': '}}"
    "{% endif %}{# Render all images first #}{% for content in message['content'] | selectattr('type', "
    "'equalto', 'image') %}{{ '<image>\n' }}{% endfor %}{# Render all text next #}{% if message['role'] != "
    "'assistant' %}{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{{ content['text'] + ' '}}{% endfor %}{% else %}{% for content in message['content'] | selectattr('type', "
    "'equalto', 'text') %}{% generation %}{{ content['text'] + ' '}}{% endgeneration %}{% endfor %}{% endif %}"
    "{% endfor %}{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)


TINYLLAMA_CHAT_TEMPLATE = (
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + "
    "eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}"
    "\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n"
    "{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"
)


CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]


CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


def llava_hf_preprocessor(root):
    write_json(
        os.path.join(root, "preprocessor_config.json"),
        OrderedDict(
            crop_size={"height": 28, "width": 28},
            do_center_crop=True,
            do_convert_rgb=True,
            do_normalize=True,
            do_rescale=True,
            do_resize=True,
            image_mean=CLIP_MEAN,
            image_processor_type="CLIPImageProcessor",
            image_std=CLIP_STD,
            processor_class="LlavaProcessor",
            resample=3,
            rescale_factor=0.00392156862745098,
            size={"shortest_edge": 28},
        ),
    )
    write_json(
        os.path.join(root, "processor_config.json"),
        OrderedDict(
            image_token="<image>",
            num_additional_image_tokens=1,
            patch_size=14,
            processor_class="LlavaProcessor",
            vision_feature_select_strategy="default",
        ),
    )


def llava_hf_vision_config():
    return OrderedDict(
        hidden_size=8,
        image_size=28,
        intermediate_size=32,
        model_type="clip_vision_model",
        num_attention_heads=2,
        num_hidden_layers=2,
        patch_size=14,
        projection_dim=768,
        vocab_size=32000,
    )


def llava_hf(root, seed):
    """llava-hf/llava-1.5-7b-hf: F16 safetensors in 3 shards (pushed with the 5 GB default)."""
    text = OrderedDict(
        _name_or_path="lmsys/vicuna-7b-v1.5",
        architectures=["LlamaForCausalLM"],
        max_position_embeddings=4096,
        model_type="llama",
        rms_norm_eps=1e-05,
        torch_dtype="float16",
        vocab_size=32064,
        **LLAMA2_DIMS,
    )
    cfg = OrderedDict(
        architectures=["LlavaForConditionalGeneration"],
        ignore_index=-100,
        image_token_index=32000,
        model_type="llava",
        pad_token_id=32001,
        projector_hidden_act="gelu",
        text_config=text,
        tie_word_embeddings=False,
        torch_dtype="float16",
        transformers_version="4.36.0.dev0",
        vision_config=llava_hf_vision_config(),
        vision_feature_layer=-2,
        vision_feature_select_strategy="default",
        vocab_size=32064,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "generation_config.json"),
        OrderedDict(_from_model_config=True, bos_token_id=1, eos_token_id=2, pad_token_id=32001, transformers_version="4.36.0.dev0"),
    )
    write_json(os.path.join(root, "chat_template.json"), {"chat_template": LLAVA_HF_CHAT_TEMPLATE})
    llava_hf_preprocessor(root)
    generated = OrderedDict()
    llava_hf_tokenizer_files(root, generated)
    sd = state_dict(randomize(LlavaForConditionalGeneration(cfg), seed), torch.float16)
    safetensors_set(root, sd, 3, generated)
    return generated, expected(sd)


def llava_hf_resaved(root, seed):
    """The same model as transformers >= 4.52 save_pretrained writes it: LlavaModel under model.*,
    the LLM without its inner "model.", lm_head at the top; config diffed against the classes' defaults
    (so the text config now carries head_dim and num_key_value_heads); chat_template.jinja."""
    text = OrderedDict(
        _name_or_path="lmsys/vicuna-7b-v1.5",
        architectures=["LlamaForCausalLM"],
        head_dim=4,
        max_position_embeddings=4096,
        model_type="llama",
        num_key_value_heads=2,
        rms_norm_eps=1e-05,
        torch_dtype="float16",
        vocab_size=32064,
        **LLAMA2_DIMS,
    )
    cfg = OrderedDict(
        architectures=["LlavaForConditionalGeneration"],
        ignore_index=-100,
        image_seq_length=IMAGE_SEQ_LENGTH,
        image_token_index=32000,
        model_type="llava",
        multimodal_projector_bias=True,
        pad_token_id=32001,
        projector_hidden_act="gelu",
        text_config=text,
        tie_word_embeddings=False,
        torch_dtype="float16",
        transformers_version="4.52.4",
        vision_config=llava_hf_vision_config(),
        vision_feature_layer=-2,
        vision_feature_select_strategy="default",
        vocab_size=32064,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "generation_config.json"),
        OrderedDict(_from_model_config=True, bos_token_id=1, eos_token_id=2, pad_token_id=32001, transformers_version="4.52.4"),
    )
    write_text(os.path.join(root, "chat_template.jinja"), LLAVA_HF_CHAT_TEMPLATE)
    llava_hf_preprocessor(root)
    generated = OrderedDict()
    llava_hf_tokenizer_files(root, generated, {"extra_special_tokens": {}})
    sd = state_dict(randomize(LlavaForConditionalGenerationV452(cfg), seed), torch.float16)
    safetensors_set(root, sd, 3, generated)
    return generated, expected(sd)


def clip_336(root, seed):
    """openai/clip-vit-large-patch14-336: full CLIPModel config as transformers 4.21 wrote it (text_config,
    text_config_dict, vision_config, vision_config_dict), float32 pytorch_model.bin."""

    def sub(kind, dims, extra):
        c = OrderedDict(
            _name_or_path="",
            add_cross_attention=False,
            architectures=None,
            attention_dropout=0.0,
            bad_words_ids=None,
            bos_token_id=0 if kind == "text" else None,
            chunk_size_feed_forward=0,
            cross_attention_hidden_size=None,
            decoder_start_token_id=None,
            diversity_penalty=0.0,
            do_sample=False,
            dropout=0.0,
            early_stopping=False,
            encoder_no_repeat_ngram_size=0,
            eos_token_id=2 if kind == "text" else None,
            exponential_decay_length_penalty=None,
            finetuning_task=None,
            forced_bos_token_id=None,
            forced_eos_token_id=None,
            hidden_act="quick_gelu",
            id2label={"0": "LABEL_0", "1": "LABEL_1"},
            initializer_factor=1.0,
            initializer_range=0.02,
            is_decoder=False,
            is_encoder_decoder=False,
            label2id={"LABEL_0": 0, "LABEL_1": 1},
            layer_norm_eps=1e-05,
            length_penalty=1.0,
            max_length=20,
            min_length=0,
            model_type=f"clip_{kind}_model",
            no_repeat_ngram_size=0,
            num_beam_groups=1,
            num_beams=1,
            num_return_sequences=1,
            output_attentions=False,
            output_hidden_states=False,
            output_scores=False,
            pad_token_id=1 if kind == "text" else None,
            prefix=None,
            problem_type=None,
            projection_dim=768,
            pruned_heads={},
            remove_invalid_values=False,
            repetition_penalty=1.0,
            return_dict=True,
            return_dict_in_generate=False,
            sep_token_id=None,
            task_specific_params=None,
            temperature=1.0,
            tf_legacy_loss=False,
            tie_encoder_decoder=False,
            tie_word_embeddings=True,
            tokenizer_class=None,
            top_k=50,
            top_p=1.0,
            torch_dtype=None,
            torchscript=False,
            transformers_version="4.21.3",
            typical_p=1.0,
            use_bfloat16=False,
        )
        c.update(dims)
        c.update(extra)
        return c

    text = sub("text", CLIP_TEXT_DIMS, dict(max_position_embeddings=77, vocab_size=49408))
    vision = sub("vision", {k: v for k, v in CLIP_VISION_DIMS.items()}, dict(num_channels=3))
    cfg = OrderedDict(
        _name_or_path="openai/clip-vit-large-patch14-336",
        architectures=["CLIPModel"],
        initializer_factor=1.0,
        logit_scale_init_value=2.6592,
        model_type="clip",
        projection_dim=768,
        text_config=text,
        text_config_dict=OrderedDict(projection_dim=768, **CLIP_TEXT_DIMS),
        torch_dtype="float32",
        transformers_version=None,
        vision_config=vision,
        vision_config_dict=OrderedDict(projection_dim=768, **CLIP_VISION_DIMS),
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "preprocessor_config.json"),
        OrderedDict(
            crop_size=28,
            do_center_crop=True,
            do_normalize=True,
            do_resize=True,
            feature_extractor_type="CLIPFeatureExtractor",
            image_mean=CLIP_MEAN,
            image_std=CLIP_STD,
            resample=3,
            size=28,
        ),
    )
    model = randomize(CLIPModel(cfg), seed)
    sd = model.state_dict()
    write_bin_set(root, sd, 1)
    return OrderedDict(), expected(sd)


def llava_original(root, seed, clip_sd):
    """liuhaotian/llava-v1.5-7b: llava_llama under model_type "llava", F16 .bin in 2 shards (the 10 GB
    default of transformers 4.31), rotary inv_freq buffers saved (float32), tower not included."""
    cfg = OrderedDict(
        _name_or_path="./checkpoints/vicuna-7b-v1-5",
        architectures=["LlavaLlamaForCausalLM"],
        bos_token_id=1,
        eos_token_id=2,
        freeze_mm_mlp_adapter=False,
        hidden_act="silu",
        hidden_size=8,
        image_aspect_ratio="pad",
        initializer_range=0.02,
        intermediate_size=24,
        max_length=4096,
        max_position_embeddings=4096,
        mm_hidden_size=8,
        mm_projector_type="mlp2x_gelu",
        mm_use_im_patch_token=False,
        mm_use_im_start_end=False,
        mm_vision_select_feature="patch",
        mm_vision_select_layer=-2,
        mm_vision_tower="openai/clip-vit-large-patch14-336",
        model_type="llava",
        num_attention_heads=2,
        num_hidden_layers=2,
        num_key_value_heads=2,
        pad_token_id=0,
        pretraining_tp=1,
        rms_norm_eps=1e-05,
        rope_scaling=None,
        tie_word_embeddings=False,
        tokenizer_model_max_length=2048,
        tokenizer_padding_side="right",
        torch_dtype="float16",
        transformers_version="4.31.0",
        tune_mm_mlp_adapter=False,
        use_cache=True,
        use_mm_proj=True,
        vocab_size=32000,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(os.path.join(root, "generation_config.json"), vicuna_generation_config())
    generated = OrderedDict()
    vicuna_tokenizer_files(root, 2048)
    sd = state_dict(randomize(LlavaLlamaForCausalLM(cfg, True), seed), torch.float16)
    write_bin_set(root, sd, 2)
    return generated, expected(sd, clip_sd)


def vicuna_generation_config():
    return OrderedDict(
        bos_token_id=1, eos_token_id=2, max_length=4096, pad_token_id=0, temperature=0.9, top_p=0.6, transformers_version="4.31.0"
    )


def vicuna(root, seed):
    """lmsys/vicuna-7b-v1.5: F16 .bin in 2 shards with inv_freq buffers; tokenizer.model only."""
    cfg = OrderedDict(
        architectures=["LlamaForCausalLM"],
        bos_token_id=1,
        eos_token_id=2,
        hidden_act="silu",
        initializer_range=0.02,
        max_position_embeddings=4096,
        model_type="llama",
        num_key_value_heads=2,
        pad_token_id=0,
        pretraining_tp=1,
        rms_norm_eps=1e-05,
        rope_scaling=None,
        tie_word_embeddings=False,
        torch_dtype="float16",
        transformers_version="4.31.0",
        use_cache=True,
        vocab_size=32000,
        **LLAMA2_DIMS,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(os.path.join(root, "generation_config.json"), vicuna_generation_config())
    generated = OrderedDict()
    vicuna_tokenizer_files(root, 4096)
    sd = state_dict(randomize(LlamaForCausalLM(cfg, True), seed), torch.float16)
    write_bin_set(root, sd, 2)
    return generated, expected(sd)


def llama2(root, seed):
    """meta-llama/Llama-2-7b-hf: F16 safetensors in 2 shards (converted with transformers 4.31: inv_freq
    buffers included, float32)."""
    cfg = OrderedDict(
        _name_or_path="meta-llama/Llama-2-7b-hf",
        architectures=["LlamaForCausalLM"],
        bos_token_id=1,
        eos_token_id=2,
        hidden_act="silu",
        initializer_range=0.02,
        max_position_embeddings=4096,
        model_type="llama",
        num_key_value_heads=2,
        pretraining_tp=1,
        rms_norm_eps=1e-05,
        rope_scaling=None,
        tie_word_embeddings=False,
        torch_dtype="float16",
        transformers_version="4.31.0.dev0",
        use_cache=True,
        vocab_size=32000,
        **LLAMA2_DIMS,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "generation_config.json"),
        OrderedDict(
            bos_token_id=1, do_sample=True, eos_token_id=2, pad_token_id=0, temperature=0.6, max_length=4096, top_p=0.9,
            transformers_version="4.31.0.dev0",
        ),
        sort_keys=False,
    )
    write_json(
        os.path.join(root, "tokenizer_config.json"),
        OrderedDict(
            add_bos_token=True,
            add_eos_token=False,
            bos_token=legacy_added("<s>"),
            clean_up_tokenization_spaces=False,
            eos_token=legacy_added("</s>"),
            legacy=False,
            model_max_length=1000000000000000019884624838656,
            pad_token=None,
            padding_side="right",
            sp_model_kwargs={},
            tokenizer_class="LlamaTokenizer",
            unk_token=legacy_added("<unk>"),
        ),
    )
    write_json(
        os.path.join(root, "special_tokens_map.json"),
        {k: special_map_token(v) for k, v in [("bos_token", "<s>"), ("eos_token", "</s>"), ("unk_token", "<unk>")]},
    )
    generated = OrderedDict()
    generated["tokenizer.json"] = {"base": LLAMA2_TOKENIZER, "set": {}}
    sd = state_dict(randomize(LlamaForCausalLM(cfg, True), seed), torch.float16)
    safetensors_set(root, sd, 2, generated)
    return generated, expected(sd)


def tinyllama(root, seed):
    """TinyLlama/TinyLlama-1.1B-Chat-v1.0: GQA (32 heads, 4 KV heads -> 4 and 2), BF16, one
    model.safetensors (transformers 4.35: no inv_freq), zephyr chat template."""
    cfg = OrderedDict(
        architectures=["LlamaForCausalLM"],
        attention_bias=False,
        bos_token_id=1,
        eos_token_id=2,
        hidden_act="silu",
        hidden_size=16,
        initializer_range=0.02,
        intermediate_size=44,
        max_position_embeddings=2048,
        model_type="llama",
        num_attention_heads=4,
        num_hidden_layers=2,
        num_key_value_heads=2,
        pretraining_tp=1,
        rms_norm_eps=1e-05,
        rope_scaling=None,
        rope_theta=10000.0,
        tie_word_embeddings=False,
        torch_dtype="bfloat16",
        transformers_version="4.35.0",
        use_cache=True,
        vocab_size=32000,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "generation_config.json"),
        OrderedDict(bos_token_id=1, eos_token_id=2, max_length=2048, pad_token_id=0, transformers_version="4.35.0"),
    )
    write_json(
        os.path.join(root, "tokenizer_config.json"),
        OrderedDict(
            add_bos_token=True,
            add_eos_token=False,
            added_tokens_decoder={str(i): added_token(c) for i, c in LLAMA2_SPECIALS},
            bos_token="<s>",
            chat_template=TINYLLAMA_CHAT_TEMPLATE,
            clean_up_tokenization_spaces=False,
            eos_token="</s>",
            legacy=False,
            model_max_length=2048,
            pad_token="</s>",
            padding_side="right",
            sp_model_kwargs={},
            tokenizer_class="LlamaTokenizer",
            unk_token="<unk>",
            use_default_system_prompt=False,
        ),
    )
    write_json(
        os.path.join(root, "special_tokens_map.json"),
        {k: special_map_token(v) for k, v in [("bos_token", "<s>"), ("eos_token", "</s>"), ("pad_token", "</s>"), ("unk_token", "<unk>")]},
    )
    generated = OrderedDict()
    generated["tokenizer.json"] = {"base": LLAMA2_TOKENIZER, "set": {}}
    sd = state_dict(randomize(LlamaForCausalLM(cfg, False), seed), torch.bfloat16)
    safetensors_set(root, sd, 1, generated)
    return generated, expected(sd)


def llama32(root, seed, chat_template):
    """meta-llama/Llama-3.2-1B-Instruct: GQA, explicit head_dim, llama3 RoPE scaling, tied embeddings
    (no lm_head.weight), BF16, one model.safetensors, the 128256-token tokenizer."""
    cfg = OrderedDict(
        architectures=["LlamaForCausalLM"],
        attention_bias=False,
        attention_dropout=0.0,
        bos_token_id=128000,
        eos_token_id=[128001, 128008, 128009],
        head_dim=8,
        hidden_act="silu",
        hidden_size=16,
        initializer_range=0.02,
        intermediate_size=64,
        max_position_embeddings=131072,
        mlp_bias=False,
        model_type="llama",
        num_attention_heads=2,
        num_hidden_layers=2,
        num_key_value_heads=1,
        pretraining_tp=1,
        rms_norm_eps=1e-05,
        rope_scaling=OrderedDict(
            factor=32.0, high_freq_factor=4.0, low_freq_factor=1.0, original_max_position_embeddings=8192, rope_type="llama3"
        ),
        rope_theta=500000.0,
        tie_word_embeddings=True,
        torch_dtype="bfloat16",
        transformers_version="4.45.0.dev0",
        use_cache=True,
        vocab_size=128256,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "generation_config.json"),
        OrderedDict(
            bos_token_id=128000, do_sample=True, eos_token_id=[128001, 128008, 128009], temperature=0.6, top_p=0.9,
            transformers_version="4.45.0.dev0",
        ),
    )
    specials = llama32_special_tokens()
    write_json(
        os.path.join(root, "tokenizer_config.json"),
        OrderedDict(
            added_tokens_decoder={str(i): added_token(c) for i, c in specials},
            bos_token="<|begin_of_text|>",
            chat_template=chat_template,
            clean_up_tokenization_spaces=True,
            eos_token="<|eot_id|>",
            model_input_names=["input_ids", "attention_mask"],
            model_max_length=131072,
            tokenizer_class="PreTrainedTokenizerFast",
        ),
    )
    write_json(
        os.path.join(root, "special_tokens_map.json"),
        {"bos_token": special_map_token("<|begin_of_text|>"), "eos_token": special_map_token("<|eot_id|>")},
    )
    bos = "<|begin_of_text|>"
    generated = OrderedDict()
    generated["tokenizer.json"] = {
        "base": LLAMA3_TOKENIZER,
        "set": {
            "added_tokens": [tokenizer_json_token(i, c) for i, c in specials],
            "post_processor": {
                "type": "Sequence",
                "processors": [
                    {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
                    {
                        "type": "TemplateProcessing",
                        "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                        "pair": [
                            {"SpecialToken": {"id": bos, "type_id": 0}},
                            {"Sequence": {"id": "A", "type_id": 0}},
                            {"SpecialToken": {"id": bos, "type_id": 1}},
                            {"Sequence": {"id": "B", "type_id": 1}},
                        ],
                        "special_tokens": {bos: {"id": bos, "ids": [128000], "tokens": [bos]}},
                    },
                ],
            },
        },
    }
    sd = state_dict(randomize(LlamaForCausalLM(cfg, False), seed), torch.bfloat16)
    safetensors_set(root, sd, 1, generated)
    return generated, expected(sd)


def qwen25(root, seed, chat_template):
    """Qwen/Qwen2.5-0.5B-Instruct: Qwen2 with GQA (14 heads, 2 KV heads -> 4 and 2), q/k/v biases, tied
    embeddings, rope_theta 1e6, BF16, one model.safetensors (transformers 4.43: no inv_freq); the ByteLevel
    BPE tokenizer.json shrunk (see shrunk_qwen2_tokenizer_json) and the chat template with tools."""
    cfg = OrderedDict(
        architectures=["Qwen2ForCausalLM"],
        attention_dropout=0.0,
        bos_token_id=151643,
        eos_token_id=151645,
        hidden_act="silu",
        hidden_size=16,
        initializer_range=0.02,
        intermediate_size=24,
        max_position_embeddings=32768,
        max_window_layers=21,
        model_type="qwen2",
        num_attention_heads=4,
        num_hidden_layers=2,
        num_key_value_heads=2,
        rms_norm_eps=1e-06,
        rope_theta=1000000.0,
        sliding_window=32768,
        tie_word_embeddings=True,
        torch_dtype="bfloat16",
        transformers_version="4.43.1",
        use_cache=True,
        use_sliding_window=False,
        vocab_size=151936,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "generation_config.json"),
        OrderedDict(
            bos_token_id=151643, pad_token_id=151643, do_sample=True, eos_token_id=[151645, 151643],
            repetition_penalty=1.1, temperature=0.7, top_p=0.8, top_k=20, transformers_version="4.37.0",
        ),
        sort_keys=False,
    )
    write_json(os.path.join(root, "tokenizer_config.json"), qwen_tokenizer_config(QWEN25_ADDED, chat_template, 131072))
    write_json(os.path.join(root, "tokenizer.json"), shrunk_qwen2_tokenizer_json(QWEN25_ADDED), sort_keys=False)
    generated = OrderedDict()
    sd = state_dict(randomize(LlamaForCausalLM(cfg, False), seed), torch.bfloat16)
    safetensors_set(root, sd, 1, generated)
    return generated, expected(sd)


def mistral7b(root, seed):
    """mistralai/Mistral-7B-v0.1: GQA (32 heads, 8 KV heads -> 4 and 1), a 4096-token sliding window, BF16
    safetensors in 2 shards (transformers 4.34: no inv_freq), LLaMA's tokenizer format."""
    cfg = OrderedDict(
        architectures=["MistralForCausalLM"],
        bos_token_id=1,
        eos_token_id=2,
        hidden_act="silu",
        hidden_size=16,
        initializer_range=0.02,
        intermediate_size=56,
        max_position_embeddings=32768,
        model_type="mistral",
        num_attention_heads=4,
        num_hidden_layers=2,
        num_key_value_heads=1,
        rms_norm_eps=1e-05,
        rope_theta=10000.0,
        sliding_window=4096,
        tie_word_embeddings=False,
        torch_dtype="bfloat16",
        transformers_version="4.34.0.dev0",
        use_cache=True,
        vocab_size=32000,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "generation_config.json"),
        OrderedDict(_from_model_config=True, bos_token_id=1, eos_token_id=2, transformers_version="4.34.0.dev0"),
    )
    write_json(
        os.path.join(root, "tokenizer_config.json"),
        OrderedDict(
            add_bos_token=True,
            add_eos_token=False,
            added_tokens_decoder={str(i): added_token(c) for i, c in LLAMA2_SPECIALS},
            additional_special_tokens=[],
            bos_token="<s>",
            clean_up_tokenization_spaces=False,
            eos_token="</s>",
            legacy=True,
            model_max_length=1000000000000000019884624838656,
            pad_token=None,
            sp_model_kwargs={},
            spaces_between_special_tokens=False,
            tokenizer_class="LlamaTokenizer",
            unk_token="<unk>",
            use_default_system_prompt=False,
        ),
    )
    write_json(
        os.path.join(root, "special_tokens_map.json"),
        {k: special_map_token(v) for k, v in [("bos_token", "<s>"), ("eos_token", "</s>"), ("unk_token", "<unk>")]},
    )
    generated = OrderedDict()
    generated["tokenizer.json"] = {"base": LLAMA2_TOKENIZER, "set": {}}
    sd = state_dict(randomize(LlamaForCausalLM(cfg, False), seed), torch.bfloat16)
    safetensors_set(root, sd, 2, generated)
    return generated, expected(sd)


# SigLIP so400m-patch14-384: 1152 -> 8 hidden, 4304 -> 32 intermediate, 27 -> 2 layers, 16 -> 2 heads; 384 -> 30
# pixels with the 14-pixel patches kept, so the image is no multiple of the patch size as in the original
# (2 x 2 patches, 2 pixels unread).
SIGLIP_VISION_DIMS = dict(hidden_size=8, image_size=30, intermediate_size=32, num_attention_heads=2, num_hidden_layers=2, patch_size=14)


def siglip_preprocessor(root, processor_class):
    write_json(
        os.path.join(root, "preprocessor_config.json"),
        OrderedDict(
            do_normalize=True,
            do_rescale=True,
            do_resize=True,
            image_mean=[0.5, 0.5, 0.5],
            image_processor_type="SiglipImageProcessor",
            image_std=[0.5, 0.5, 0.5],
            processor_class=processor_class,
            resample=3,
            rescale_factor=0.00392156862745098,
            size={"height": 30, "width": 30},
        ),
    )


def siglip_so400m(root, seed):
    """google/siglip-so400m-patch14-384: a full SiglipModel config (text and vision, defaults left out, as
    transformers 4.37 wrote it), float32 model.safetensors with the text tower, the vision pooling head,
    logit_scale and logit_bias."""
    text = OrderedDict(hidden_size=8, intermediate_size=32, model_type="siglip_text_model", num_attention_heads=2, num_hidden_layers=2)
    vision = OrderedDict(model_type="siglip_vision_model", **SIGLIP_VISION_DIMS)
    cfg = OrderedDict(
        architectures=["SiglipModel"],
        initializer_factor=1.0,
        model_type="siglip",
        text_config=text,
        torch_dtype="float32",
        transformers_version="4.37.0.dev0",
        vision_config=vision,
    )
    write_json(os.path.join(root, "config.json"), cfg)
    siglip_preprocessor(root, "SiglipProcessor")
    # SiglipTextConfig's defaults the published config leaves out: vocabulary 32000, 64 positions.
    full = OrderedDict(cfg)
    full["text_config"] = OrderedDict(text, vocab_size=32000, max_position_embeddings=64)
    generated = OrderedDict()
    sd = state_dict(randomize(SiglipModel(full), seed), torch.float32)
    safetensors_set(root, sd, 1, generated)
    return generated, expected(sd)


def llava_interleave(root, seed):
    """llava-hf/llava-interleave-qwen-0.5b-hf, as transformers' convert_llava_weights_to_hf.py made it: the
    text config of Qwen/Qwen1.5-0.5B-Chat (qwen2) with the vocabulary resized to 152000 for <image>, a
    SigLIP vision config without the pooling head (26 layers of so400m), every patch token of the last
    layer (vision_feature_select_strategy full, layer -1), image token 151646; F16, one model.safetensors."""
    text = OrderedDict(
        _name_or_path="Qwen/Qwen1.5-0.5B-Chat",
        architectures=["Qwen2ForCausalLM"],
        bos_token_id=151643,
        eos_token_id=151645,
        hidden_size=16,
        intermediate_size=44,
        max_position_embeddings=32768,
        max_window_layers=21,
        model_type="qwen2",
        num_attention_heads=2,
        num_hidden_layers=2,
        num_key_value_heads=2,
        rms_norm_eps=1e-06,
        rope_theta=1000000.0,
        sliding_window=32768,
        tie_word_embeddings=True,
        torch_dtype="bfloat16",
        use_sliding_window=False,
        vocab_size=152000,
    )
    vision = OrderedDict(model_type="siglip_vision_model", vision_use_head=False, **SIGLIP_VISION_DIMS)
    cfg = OrderedDict(
        architectures=["LlavaForConditionalGeneration"],
        ignore_index=-100,
        image_token_index=151646,
        model_type="llava",
        projector_hidden_act="gelu",
        text_config=text,
        torch_dtype="float16",
        transformers_version="4.41.0.dev0",
        vision_config=vision,
        vision_feature_layer=-1,
        vision_feature_select_strategy="full",
    )
    write_json(os.path.join(root, "config.json"), cfg)
    write_json(
        os.path.join(root, "generation_config.json"),
        OrderedDict(_from_model_config=True, bos_token_id=151643, eos_token_id=151645, transformers_version="4.41.0.dev0"),
    )
    siglip_preprocessor(root, "LlavaProcessor")
    write_json(os.path.join(root, "chat_template.json"), {"chat_template": LLAVA_INTERLEAVE_CHAT_TEMPLATE})
    added = QWEN25_ADDED[:3] + [(151646, "<image>", True)]
    write_json(
        os.path.join(root, "tokenizer_config.json"),
        qwen_tokenizer_config(added, None, 32768, [("padding_side", "left"), ("processor_class", "LlavaProcessor")]),
    )
    write_json(os.path.join(root, "added_tokens.json"), {c: i for i, c, s in added})
    write_json(os.path.join(root, "tokenizer.json"), shrunk_qwen2_tokenizer_json(added), sort_keys=False)
    generated = OrderedDict()
    sd = state_dict(randomize(LlavaForConditionalGeneration(cfg), seed), torch.float16)
    safetensors_set(root, sd, 1, generated)
    return generated, expected(sd)


LLAVA_INTERLEAVE_CHAT_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n'}}{# Render all images first #}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\n' }}{% endfor %}"
    "{# Render all text next #}{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{{ content['text'] }}{% endfor %}{{'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def clear(root):
    """Removes the files a previous run wrote: everything but the hand-written README.md."""
    if not os.path.isdir(root):
        return
    for f in os.listdir(root):
        if f != "README.md":
            os.remove(os.path.join(root, f))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "llama-3.2-instruct-chat-template.jinja"), encoding="utf-8") as f:
        llama32_template = f.read()
    with open(os.path.join(here, "qwen2.5-instruct-chat-template.jinja"), encoding="utf-8") as f:
        qwen25_template = f.read()
    clip_dir = os.path.join(out, "openai--clip-vit-large-patch14-336")
    jobs = [
        ("llava-hf--llava-1.5-7b-hf", lambda r: llava_hf(r, 101)),
        ("llava-hf--llava-1.5-7b-hf--transformers-4.52", lambda r: llava_hf_resaved(r, 102)),
        ("openai--clip-vit-large-patch14-336", lambda r: clip_336(r, 103)),
        ("liuhaotian--llava-v1.5-7b", lambda r: llava_original(r, 104, torch.load(os.path.join(clip_dir, "pytorch_model.bin")))),
        ("lmsys--vicuna-7b-v1.5", lambda r: vicuna(r, 105)),
        ("meta-llama--Llama-2-7b-hf", lambda r: llama2(r, 106)),
        ("TinyLlama--TinyLlama-1.1B-Chat-v1.0", lambda r: tinyllama(r, 107)),
        ("meta-llama--Llama-3.2-1B-Instruct", lambda r: llama32(r, 108, llama32_template)),
        ("Qwen--Qwen2.5-0.5B-Instruct", lambda r: qwen25(r, 109, qwen25_template)),
        ("mistralai--Mistral-7B-v0.1", lambda r: mistral7b(r, 110)),
        ("google--siglip-so400m-patch14-384", lambda r: siglip_so400m(r, 111)),
        ("llava-hf--llava-interleave-qwen-0.5b-hf", lambda r: llava_interleave(r, 112)),
    ]
    wanted = sys.argv[2:] or [name for name, _ in jobs]
    unknown = [w for w in wanted if w not in dict(jobs)]
    if unknown:
        print(f"unknown replicas {unknown}")
        sys.exit(2)
    total = 0
    for name, make in [j for j in jobs if j[0] in wanted]:
        root = os.path.join(out, name)
        clear(root)
        os.makedirs(root, exist_ok=True)
        generated, exp = make(root)
        write_json(os.path.join(root, "replica.json"), OrderedDict(generated=generated, expected=exp), sort_keys=False)
        size = sum(os.path.getsize(os.path.join(root, f)) for f in os.listdir(root))
        total += size
        print(f"{name}: {size / 1024:.1f} KiB")
    print(f"total {total / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
