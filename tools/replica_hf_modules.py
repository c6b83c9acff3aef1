"""torch modules named and nested as the transformers (and original LLaVA) classes that wrote the published
checkpoints the replicas copy. They have no forward: only their state dicts matter (names, order,
buffers and which buffers persist), and randomize / state_dict give those dicts random weights in the
published dtypes. Used by make_replica_fixtures.py."""

import math

import torch
from torch import nn

class RMSNorm(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))


class LlamaRotaryEmbedding(nn.Module):
    """transformers 4.31 registered inv_freq as a persistent float32 buffer; later versions do not save it."""

    def __init__(self, head_dim, theta):
        super().__init__()
        inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))
        self.register_buffer("inv_freq", inv)


class LlamaAttention(nn.Module):
    """LlamaAttention, MistralAttention (the same modules) and Qwen2Attention (q/k/v with bias, o without)."""

    def __init__(self, c, rotary):
        super().__init__()
        h, hd = c["hidden_size"], head_dim(c)
        nh, nkv = c["num_attention_heads"], c.get("num_key_value_heads") or c["num_attention_heads"]
        qkv = c.get("model_type") == "qwen2"
        self.q_proj = nn.Linear(h, nh * hd, bias=qkv)
        self.k_proj = nn.Linear(h, nkv * hd, bias=qkv)
        self.v_proj = nn.Linear(h, nkv * hd, bias=qkv)
        self.o_proj = nn.Linear(nh * hd, h, bias=False)
        if rotary:
            self.rotary_emb = LlamaRotaryEmbedding(hd, c.get("rope_theta", 10000.0))


class LlamaMLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i = c["hidden_size"], c["intermediate_size"]
        self.gate_proj = nn.Linear(h, i, bias=False)
        self.up_proj = nn.Linear(h, i, bias=False)
        self.down_proj = nn.Linear(i, h, bias=False)


class LlamaDecoderLayer(nn.Module):
    def __init__(self, c, rotary):
        super().__init__()
        self.self_attn = LlamaAttention(c, rotary)
        self.mlp = LlamaMLP(c)
        self.input_layernorm = RMSNorm(c["hidden_size"])
        self.post_attention_layernorm = RMSNorm(c["hidden_size"])


class LlamaModel(nn.Module):
    def __init__(self, c, rotary):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(LlamaDecoderLayer(c, rotary) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"])


class LlamaForCausalLM(nn.Module):
    """Tied models are saved without lm_head.weight (save_pretrained drops the tied copy)."""

    def __init__(self, c, rotary):
        super().__init__()
        self.model = LlamaModel(c, rotary)
        if not c.get("tie_word_embeddings", False):
            self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)


class LlavaLlamaModel(LlamaModel):
    """Original LLaVA (llava/model/language_model/llava_llama.py): LlamaModel, then LlavaMetaModel's
    mm_projector (mlp2x_gelu: Linear, GELU, Linear); the tower is loaded lazily and not saved."""

    def __init__(self, c, rotary):
        super().__init__(c, rotary)
        h = c["hidden_size"]
        self.mm_projector = nn.Sequential(nn.Linear(c["mm_hidden_size"], h), nn.GELU(), nn.Linear(h, h))


class LlavaLlamaForCausalLM(nn.Module):
    def __init__(self, c, rotary):
        super().__init__()
        self.model = LlavaLlamaModel(c, rotary)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)


class CLIPAttention(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.k_proj = nn.Linear(h, h)
        self.v_proj = nn.Linear(h, h)
        self.q_proj = nn.Linear(h, h)
        self.out_proj = nn.Linear(h, h)


class CLIPMLP(nn.Module):
    def __init__(self, h, i):
        super().__init__()
        self.fc1 = nn.Linear(h, i)
        self.fc2 = nn.Linear(i, h)


class CLIPEncoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.self_attn = CLIPAttention(h)
        self.layer_norm1 = nn.LayerNorm(h)
        self.mlp = CLIPMLP(h, c["intermediate_size"])
        self.layer_norm2 = nn.LayerNorm(h)


class CLIPEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layers = nn.ModuleList(CLIPEncoderLayer(c) for _ in range(c["num_hidden_layers"]))


class CLIPVisionEmbeddings(nn.Module):
    """position_ids was a persistent int64 buffer until transformers 4.31."""

    def __init__(self, c, position_ids):
        super().__init__()
        h = c["hidden_size"]
        n = (c["image_size"] // c["patch_size"]) ** 2 + 1
        self.class_embedding = nn.Parameter(torch.randn(h))
        self.patch_embedding = nn.Conv2d(3, h, kernel_size=c["patch_size"], stride=c["patch_size"], bias=False)
        self.position_embedding = nn.Embedding(n, h)
        self.register_buffer("position_ids", torch.arange(n).expand((1, -1)), persistent=position_ids)


class CLIPVisionTransformer(nn.Module):
    def __init__(self, c, position_ids):
        super().__init__()
        h = c["hidden_size"]
        self.embeddings = CLIPVisionEmbeddings(c, position_ids)
        self.pre_layrnorm = nn.LayerNorm(h)  # sic: transformers' name
        self.encoder = CLIPEncoder(c)
        self.post_layernorm = nn.LayerNorm(h)


class CLIPVisionModel(nn.Module):
    def __init__(self, c, position_ids):
        super().__init__()
        self.vision_model = CLIPVisionTransformer(c, position_ids)


class CLIPTextEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.token_embedding = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embedding = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.register_buffer("position_ids", torch.arange(c["max_position_embeddings"]).expand((1, -1)))


class CLIPTextTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = CLIPTextEmbeddings(c)
        self.encoder = CLIPEncoder(c)
        self.final_layer_norm = nn.LayerNorm(c["hidden_size"])


class CLIPModel(nn.Module):
    """transformers 4.21 (the version that wrote openai/clip-vit-large-patch14-336)."""

    def __init__(self, c):
        super().__init__()
        t, v = c["text_config"], c["vision_config"]
        self.text_model = CLIPTextTransformer(t)
        self.vision_model = CLIPVisionTransformer(v, True)
        self.visual_projection = nn.Linear(v["hidden_size"], c["projection_dim"], bias=False)
        self.text_projection = nn.Linear(t["hidden_size"], c["projection_dim"], bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(c["logit_scale_init_value"]))


class SiglipVisionEmbeddings(nn.Module):
    """No class token; position_ids is a non-persistent buffer (not saved)."""

    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.patch_embedding = nn.Conv2d(3, h, kernel_size=c["patch_size"], stride=c["patch_size"])
        self.position_embedding = nn.Embedding((c["image_size"] // c["patch_size"]) ** 2, h)


class SiglipMLP(nn.Module):
    def __init__(self, h, i):
        super().__init__()
        self.fc1 = nn.Linear(h, i)
        self.fc2 = nn.Linear(i, h)


class SiglipMultiheadAttentionPoolingHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.probe = nn.Parameter(torch.randn(1, 1, h))
        self.attention = nn.MultiheadAttention(h, c["num_attention_heads"], batch_first=True)
        self.layernorm = nn.LayerNorm(h)
        self.mlp = SiglipMLP(h, c["intermediate_size"])


class SiglipVisionTransformer(nn.Module):
    """The pooling head is there unless vision_use_head is false (absent: there)."""

    def __init__(self, c):
        super().__init__()
        self.embeddings = SiglipVisionEmbeddings(c)
        self.encoder = CLIPEncoder(c)
        self.post_layernorm = nn.LayerNorm(c["hidden_size"])
        if c.get("vision_use_head", True):
            self.head = SiglipMultiheadAttentionPoolingHead(c)


class SiglipVisionModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.vision_model = SiglipVisionTransformer(c)


class SiglipTextEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.token_embedding = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embedding = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])


class SiglipTextTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = SiglipTextEmbeddings(c)
        self.encoder = CLIPEncoder(c)
        self.final_layer_norm = nn.LayerNorm(c["hidden_size"])
        self.head = nn.Linear(c["hidden_size"], c["hidden_size"])


class SiglipModel(nn.Module):
    """transformers 4.37 (google/siglip-so400m-patch14-384): text and vision towers, logit scale and bias."""

    def __init__(self, c):
        super().__init__()
        self.text_model = SiglipTextTransformer(c["text_config"])
        self.vision_model = SiglipVisionTransformer(c["vision_config"])
        self.logit_scale = nn.Parameter(torch.randn(1))
        self.logit_bias = nn.Parameter(torch.randn(1))


class LlavaMultiModalProjector(nn.Module):
    def __init__(self, vision_hidden, text_hidden):
        super().__init__()
        self.linear_1 = nn.Linear(vision_hidden, text_hidden)
        self.act = nn.GELU()
        self.linear_2 = nn.Linear(text_hidden, text_hidden)


class LlavaForConditionalGeneration(nn.Module):
    """transformers 4.36 (llava-hf): vision_tower, multi_modal_projector, language_model. The tower is the
    vision_config's model (CLIP or SigLIP); the language model's module names are LLaMA's for every family."""

    def __init__(self, c):
        super().__init__()
        t, v = c["text_config"], c["vision_config"]
        siglip = v.get("model_type") == "siglip_vision_model"
        self.vision_tower = SiglipVisionModel(v) if siglip else CLIPVisionModel(v, False)
        self.multi_modal_projector = LlavaMultiModalProjector(v["hidden_size"], t["hidden_size"])
        self.language_model = LlamaForCausalLM(t, False)


class LlavaModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        t, v = c["text_config"], c["vision_config"]
        self.vision_tower = CLIPVisionModel(v, False)
        self.multi_modal_projector = LlavaMultiModalProjector(v["hidden_size"], t["hidden_size"])
        self.language_model = LlamaModel(t, False)


class LlavaForConditionalGenerationV452(nn.Module):
    """transformers >= 4.52: model.{vision_tower, multi_modal_projector, language_model}, lm_head."""

    def __init__(self, c):
        super().__init__()
        t = c["text_config"]
        self.model = LlavaModel(c)
        self.lm_head = nn.Linear(t["hidden_size"], t["vocab_size"], bias=False)


def head_dim(c):
    return c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]


def randomize(module, seed):
    """Random weights in state-dict order: norms around 1, everything else N(0, 0.05). Buffers kept."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("norm.weight") or name.endswith("layernorm.weight") or ".layer_norm" in name:
                if name.endswith(".bias"):
                    p.copy_(0.05 * torch.randn(p.shape, generator=g))
                else:
                    p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif name == "logit_scale":
                p.fill_(math.log(1 / 0.07))
            else:
                p.copy_(0.05 * torch.randn(p.shape, generator=g))
    return module


def state_dict(module, dtype):
    """The module's state dict with its parameters in `dtype` (buffers keep theirs: torch_dtype loading
    creates parameters in the half type while inv_freq and position_ids keep float32 / int64)."""
    params = {n for n, _ in module.named_parameters()}
    sd = module.state_dict()
    for k in list(sd):
        if k in params:
            sd[k] = sd[k].to(dtype)
    return sd
